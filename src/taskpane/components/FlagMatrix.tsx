/**
 * The 23 flags, by entity (Contacts, Tasks, Calls, Appointments) and by the side the change is applied on.
 * One column in Outlook's narrow pane, two side by side when there is room.
 */
import { Caption1, makeStyles, Subtitle2, Switch, Text, tokens } from "@fluentui/react-components";
import { useTranslation } from "react-i18next";
import { ACTIONS, ENTITIES, type Entity, type FlagCode, type Flags, flagCodeOf, isFlagCode, SIDES, type Side } from "../../core/flags";
import type { SyncSetup } from "../../core/setup";

const useStyles = makeStyles({
  matrix: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  entity: {
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  entityTitle: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  sides: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 220px), 1fr))",
    columnGap: tokens.spacingHorizontalXL,
  },
  side: { margin: 0, padding: 0, border: "none", minWidth: 0 },
  sideTitle: {
    display: "block",
    color: tokens.colorNeutralForeground2,
    padding: `${tokens.spacingVerticalS} 0 ${tokens.spacingVerticalXXS}`,
  },
  row: { display: "flex", alignItems: "center", justifyContent: "space-between", gap: tokens.spacingHorizontalS, minHeight: "32px" },
  switchLabel: { overflowWrap: "anywhere" },
  code: { color: tokens.colorNeutralForeground3, fontFamily: tokens.fontFamilyMonospace, flexShrink: 0 },
  changed: {
    width: "8px",
    height: "8px",
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorPaletteMarigoldBorderActive,
    flexShrink: 0,
  },
  notApplicable: { display: "flex", flexDirection: "column", padding: `${tokens.spacingVerticalXS} 0 ${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}` },
  notApplicableText: { color: tokens.colorNeutralForeground3 },
  lock: { display: "block", color: tokens.colorNeutralForeground3, paddingLeft: tokens.spacingHorizontalS, paddingBottom: tokens.spacingVerticalXS },
});

export interface FlagMatrixProps {
  readonly flags: Flags;
  readonly changed: ReadonlySet<FlagCode>;
  readonly disabled: boolean;
  readonly onChange: (code: FlagCode, value: boolean) => void;
  /** Company policy: flags whose value is forced, with the reason shown. */
  readonly locks: SyncSetup["locks"];
  /** Entities the X3 folder does not synchronize (CRMSYNCxxx = No): shown disabled, with the parameter. */
  readonly entitiesOff: Readonly<Partial<Record<Entity, string>>>;
}

export function FlagMatrix(props: FlagMatrixProps) {
  const styles = useStyles();
  return (
    <div className={styles.matrix}>
      {ENTITIES.map((entity) => (
        <EntitySection key={entity} entity={entity} {...props} />
      ))}
    </div>
  );
}

function EntitySection({ entity, ...props }: FlagMatrixProps & { entity: Entity }) {
  const styles = useStyles();
  const { t } = useTranslation();
  const titleId = `entity-${entity}`;
  return (
    <section className={styles.entity} aria-labelledby={titleId}>
      <h2 id={titleId} className={styles.entityTitle}>
        {t(`entities.${entity}`)}
      </h2>
      {props.entitiesOff[entity] && (
        <Caption1 className={styles.notApplicableText}>{t("entityOff", { parameter: props.entitiesOff[entity] })}</Caption1>
      )}
      <div className={styles.sides}>
        {SIDES.map((side) => (
          <SideGroup key={side} entity={entity} side={side} {...props} disabled={props.disabled || Boolean(props.entitiesOff[entity])} />
        ))}
      </div>
    </section>
  );
}

function SideGroup({ entity, side, flags, changed, disabled, onChange, locks }: FlagMatrixProps & { entity: Entity; side: Side }) {
  const styles = useStyles();
  const { t } = useTranslation();
  return (
    <fieldset className={styles.side}>
      <legend className={styles.sideTitle}>
        <Subtitle2 as="span">{t(`sides.${side}`)}</Subtitle2>
      </legend>
      {ACTIONS.map((action) => {
        const code = flagCodeOf(entity, side, action);
        if (!isFlagCode(code)) {
          return (
            <div key={code} className={styles.notApplicable} data-flag={code}>
              <Text>
                {t("notApplicable.label")} <Caption1 className={styles.code}>{code}</Caption1>
              </Text>
              <Caption1 className={styles.notApplicableText}>{t("notApplicable.text")}</Caption1>
            </div>
          );
        }
        const codeId = `code-${code}`;
        const lock = locks[code];
        const lockId = `lock-${code}`;
        return (
          <div key={code} data-flag={code}>
            <div className={styles.row}>
              <Switch
                checked={flags[code]}
                disabled={disabled || lock !== undefined}
                onChange={(_, data) => onChange(code, data.checked)}
                label={{ children: t(`flags.${code}`), className: styles.switchLabel }}
                aria-describedby={lock ? `${codeId} ${lockId}` : codeId}
              />
              {changed.has(code) && <span className={styles.changed} aria-hidden="true" />}
              <Caption1 id={codeId} className={styles.code}>
                {code}
              </Caption1>
            </div>
            {lock && (
              <Caption1 id={lockId} className={styles.lock}>
                {t("locked", { reason: lock.reason })}
              </Caption1>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
