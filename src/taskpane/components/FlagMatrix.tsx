/**
 * The 23 flags, by entity (Contacts, Tasks, Calls, Appointments) and by the side the change is applied on,
 * each entity with a sentence that says in plain words what will happen. One column in Outlook's narrow
 * pane (320 px), the two sides side by side when there is room. "All" toggles per entity (row) and per
 * side and action across entities (column).
 *
 * The matrix never changes a flag itself: it asks (`onRequest`), and the pane decides — a deletion turned
 * on is confirmed first.
 */
import { Checkbox, type CheckboxProps, makeStyles, MessageBar, MessageBarBody, tokens, typographyStyles } from "@fluentui/react-components";
import { memo, useMemo } from "react";
import { useTranslation } from "../i18n/react";
import { ACTIONS, type Action, ENTITIES, type Entity, FLAGS, type FlagCode, type Flags, flagCodeOf, isFlagCode, SIDES, type Side } from "../../core/flags";
import type { SyncSetup } from "../../core/setup";
import { bothWaysDeletionWarning, entitySentences } from "../sentences";
import { FlagSwitch, type SwitchLook, useSwitchLook } from "./FlagSwitch";
import { InfoButton, type InfoButtonLook, useInfoButtonLook } from "./InfoButton";

const useStyles = makeStyles({
  matrix: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  card: {
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM} ${tokens.spacingVerticalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
  },
  cardHeader: { display: "flex", alignItems: "center", justifyContent: "space-between", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  entityTitle: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400, fontWeight: tokens.fontWeightSemibold },
  // The matrix's texts are plain elements with Fluent's type ramp (as its Caption1, Subtitle2 and Text set it), not
  // one Text component each: the first screen has some forty of them.
  sentences: {
    ...typographyStyles.caption1,
    margin: `${tokens.spacingVerticalXS} 0 0`,
    color: tokens.colorNeutralForeground2,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXXS,
  },
  warning: { marginTop: tokens.spacingVerticalS },
  // One column at 320 px; the two sides side by side once each can have 240 px.
  sides: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 240px), 1fr))",
    columnGap: tokens.spacingHorizontalXL,
  },
  side: { margin: 0, padding: 0, border: "none", minWidth: 0 },
  sideTitle: { display: "block", color: tokens.colorNeutralForeground2, padding: `${tokens.spacingVerticalS} 0 ${tokens.spacingVerticalXXS}` },
  subtitle2: typographyStyles.subtitle2,
  flag: { display: "flex", flexDirection: "column", minWidth: 0 },
  row: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalXXS, minHeight: "32px", minWidth: 0 },
  switchRoot: {
    flexGrow: 1,
    minWidth: 0,
    // On a phone the switch's <input> (Fluent gives it the root's full height) becomes a 44 px touch target.
    "@media (pointer: coarse)": { minHeight: "44px", alignItems: "center" },
  },
  // The same for the "all" checkboxes; Fluent pins the box to the top, centre it with the label instead.
  allToggle: { "@media (pointer: coarse)": { minHeight: "44px", alignItems: "center", "& .fui-Checkbox__indicator": { alignSelf: "center" } } },
  switchLabel: { overflowWrap: "anywhere" },
  // The field code sits under its label, aligned with it (switch indicator 40 px + its margins).
  code: { ...typographyStyles.caption1, color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyMonospace, paddingLeft: "52px", marginTop: "-6px" },
  changed: {
    width: "8px",
    height: "8px",
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorPaletteMarigoldBorderActive,
    flexShrink: 0,
    "@media (forced-colors: active)": { backgroundColor: "Highlight" },
  },
  muted: { ...typographyStyles.caption1, color: tokens.colorNeutralForeground3 },
  body: typographyStyles.body1,
  notApplicable: { display: "flex", flexDirection: "column", padding: `${tokens.spacingVerticalXS} 0 ${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}` },
  lock: { ...typographyStyles.caption1, display: "block", color: tokens.colorNeutralForeground3, paddingLeft: "52px", paddingBottom: tokens.spacingVerticalXS },
  columns: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 240px), 1fr))", columnGap: tokens.spacingHorizontalXL },
  columnChecks: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS },
  allLabel: { color: tokens.colorNeutralForeground1 },
});

export interface FlagMatrixProps {
  readonly flags: Flags;
  readonly changed: ReadonlySet<FlagCode>;
  readonly disabled: boolean;
  /** Asks for flags to change; the pane applies them (after a confirmation when a deletion turns on). */
  readonly onRequest: (changes: Partial<Flags>) => void;
  /** Company policy: flags whose value is forced, with the reason shown. */
  readonly locks: SyncSetup["locks"];
  /** Entities the X3 folder does not synchronize (CRMSYNCxxx = No): shown disabled, with the parameter. */
  readonly entitiesOff: Readonly<Partial<Record<Entity, string>>>;
}

/** The flags the user can change now: not locked by policy, entity synchronized in the folder. */
function editable(props: FlagMatrixProps, codes: readonly FlagCode[]): FlagCode[] {
  return codes.filter((c) => props.locks[c] === undefined && !props.entitiesOff[FLAG_ENTITY[c]]);
}

const FLAG_ENTITY = Object.fromEntries(FLAGS.map((f) => [f.code, f.entity])) as Record<FlagCode, Entity>;

/** A tri-state "all" checkbox over some flags: checked when all are on, mixed when some are. */
function allState(flags: Flags, codes: readonly FlagCode[]): CheckboxProps["checked"] {
  const on = codes.filter((c) => flags[c]).length;
  return on === 0 ? false : on === codes.length ? true : "mixed";
}

function AllToggle({ codes, label, visibleLabel, props }: { codes: FlagCode[]; label: string; visibleLabel: string; props: FlagMatrixProps }) {
  const styles = useStyles();
  const state = allState(props.flags, codes);
  const disabled = props.disabled || codes.length === 0;
  return (
    <Checkbox
      className={styles.allToggle}
      checked={codes.length ? state : false}
      disabled={disabled}
      // Fluent greys an unchecked box's label, which reads as disabled: only a disabled one is grey here.
      label={{ children: visibleLabel, className: disabled ? undefined : styles.allLabel }}
      aria-label={label}
      // Mixed or off → all on; all on → all off.
      onChange={() => props.onRequest(Object.fromEntries(codes.map((c) => [c, state !== true])) as Partial<Flags>)}
    />
  );
}

/** The classes of Fluent's Button and Switch as the matrix uses them, computed once for all its flags. */
interface MatrixLooks {
  readonly info: InfoButtonLook;
  readonly switch: SwitchLook;
}

export function FlagMatrix(props: FlagMatrixProps) {
  const styles = useStyles();
  const info = useInfoButtonLook();
  const switchLook = useSwitchLook();
  // The same object while the classes are the same: the entity cards are memoized.
  const looks = useMemo<MatrixLooks>(() => ({ info, switch: switchLook }), [info, switchLook]);
  return (
    <div className={styles.matrix}>
      <ColumnToggles {...props} />
      {ENTITIES.map((entity) => (
        <EntityCard key={entity} entity={entity} looks={looks} {...props} />
      ))}
    </div>
  );
}

/** Column "all" toggles: one action on one side, for every entity at once. */
function ColumnToggles(props: FlagMatrixProps) {
  const styles = useStyles();
  const { t } = useTranslation();
  return (
    <section className={styles.card} aria-labelledby="all-entities">
      <h2 id="all-entities" className={styles.entityTitle}>
        {t("matrix.allEntities")}
      </h2>
      <div className={styles.columns}>
        {SIDES.map((side) => (
          <fieldset key={side} className={styles.side}>
            <legend className={styles.sideTitle}>
              <span className={styles.subtitle2}>{t(`sides.${side}`)}</span>
            </legend>
            <div className={styles.columnChecks}>
              {ACTIONS.map((action) => (
                <AllToggle
                  key={action}
                  codes={editable(props, columnCodes(side, action))}
                  visibleLabel={t(`matrix.actions.${action}`)}
                  label={t(`matrix.column.${side}`, { action: t(`matrix.actions.${action}`) })}
                  props={props}
                />
              ))}
            </div>
          </fieldset>
        ))}
      </div>
    </section>
  );
}

function columnCodes(side: Side, action: Action): FlagCode[] {
  return ENTITIES.map((e) => flagCodeOf(e, side, action)).filter(isFlagCode);
}

const ENTITY_CODES = Object.fromEntries(
  ENTITIES.map((e) => [e, FLAGS.filter((f) => f.entity === e).map((f) => f.code)]),
) as Record<Entity, FlagCode[]>;

const EntityCard = memo(function EntityCard({ entity, looks, ...props }: FlagMatrixProps & { entity: Entity; looks: MatrixLooks }) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  const titleId = `entity-${entity}`;
  const off = props.entitiesOff[entity];
  const sentences = useMemo(() => entitySentences(t, i18n.language, entity, props.flags), [t, i18n.language, entity, props.flags]);
  const codes = ENTITY_CODES[entity];
  const deletesBothWays = props.flags[flagCodeOf(entity, "outlook", "delete") as FlagCode] && props.flags[flagCodeOf(entity, "x3", "delete") as FlagCode];
  return (
    <section className={styles.card} aria-labelledby={titleId} data-entity={entity}>
      <div className={styles.cardHeader}>
        <h2 id={titleId} className={styles.entityTitle}>
          {t(`entities.${entity}`)}
        </h2>
        <AllToggle
          codes={editable(props, codes)}
          visibleLabel={t("matrix.all")}
          label={t("matrix.row", { entity: t(`entities.${entity}`) })}
          props={props}
        />
      </div>
      {off ? (
        <span className={styles.muted}>{t("entityOff", { parameter: off })}</span>
      ) : (
        <div className={styles.sentences} data-testid={`sentences-${entity}`}>
          <span>{sentences.toOutlook}</span>
          <span>{sentences.toX3}</span>
          {sentences.note && <span>{sentences.note}</span>}
        </div>
      )}
      {deletesBothWays && !off && (
        <MessageBar intent="warning" className={styles.warning} data-testid={`both-ways-${entity}`}>
          <MessageBarBody>{bothWaysDeletionWarning(t, entity)}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.sides}>
        {SIDES.map((side) => (
          <SideGroup key={side} entity={entity} side={side} looks={looks} {...props} disabled={props.disabled || Boolean(off)} />
        ))}
      </div>
    </section>
  );
});

function SideGroup({
  entity,
  side,
  flags,
  changed,
  disabled,
  onRequest,
  locks,
  looks,
}: FlagMatrixProps & { entity: Entity; side: Side; looks: MatrixLooks }) {
  const styles = useStyles();
  const { t } = useTranslation();
  return (
    <fieldset className={styles.side}>
      <legend className={styles.sideTitle}>
        <span className={styles.subtitle2}>{t(`sides.${side}`)}</span>
      </legend>
      {ACTIONS.map((action) => {
        const code = flagCodeOf(entity, side, action);
        if (!isFlagCode(code)) {
          return (
            <div key={code} className={styles.notApplicable} data-flag={code}>
              <span className={styles.body}>
                {t("notApplicable.label")} <span className={styles.muted}>{code}</span>
              </span>
              <span className={styles.muted}>{t("notApplicable.text")}</span>
            </div>
          );
        }
        const codeId = `code-${code}`;
        const lock = locks[code];
        const lockId = `lock-${code}`;
        const label = t(`flags.${code}`);
        return (
          <div key={code} className={styles.flag} data-flag={code}>
            <div className={styles.row}>
              <FlagSwitch
                look={looks.switch}
                className={styles.switchRoot}
                checked={flags[code]}
                disabled={disabled || lock !== undefined}
                onChange={(checked) => onRequest({ [code]: checked })}
                label={label}
                labelClassName={styles.switchLabel}
                aria-describedby={lock ? `${codeId} ${lockId}` : codeId}
              />
              {changed.has(code) && <span className={styles.changed} role="img" aria-label={t("matrix.changed")} title={t("matrix.changed")} />}
              <InfoButton code={code} label={label} look={looks.info} />
            </div>
            <span id={codeId} className={styles.code}>
              {code}
            </span>
            {lock && (
              <span id={lockId} className={styles.lock}>
                {t("locked", { reason: lock.reason })}
              </span>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
