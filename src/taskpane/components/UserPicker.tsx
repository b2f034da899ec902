/**
 * Administrators: whose setup the pane shows, picked as in GESSYP's header. The X3 user list is searched
 * on the server (code, name or e-mail) while the administrator types; the latest search wins.
 */
import { Button, Caption1, Combobox, Field, makeStyles, mergeClasses, Option, tokens } from "@fluentui/react-components";
import { ArrowUndoRegular } from "@fluentui/react-icons";
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "../i18n/react";
import type { UsersPage, X3User } from "../../core/setup";
import type { ApiClient } from "../api";
import { problemText } from "../problems";

/** How long typing must pause before the server is asked. */
export const SEARCH_DEBOUNCE_MS = 250;
const PAGE_SIZE = 20;
/** The server's limit on a search term. */
const MAX_TERM = 100;

/** Values of the listbox's message rows: never an X3 user code (letters, digits, underscore). */
const NOTICE = { none: "-none", more: "-more", failed: "-failed", searching: "-searching" } as const;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, minWidth: 0 },
  // Fluent's Combobox asks for 250 px; the pane is 320 px wide with its own padding.
  // On a phone (coarse pointer) the field is a 44 px touch target like the pane's other controls (Fluent
  // fixes its height at 32 px; the input stretches with it).
  combobox: { minWidth: 0, width: "100%", "@media (pointer: coarse)": { height: "44px" } },
  input: { minWidth: 0 },
  option: { minWidth: 0 },
  optionText: { display: "flex", flexDirection: "column", minWidth: 0, overflowWrap: "anywhere" },
  email: { color: tokens.colorNeutralForeground3 },
  notice: { color: tokens.colorNeutralForeground2, cursor: "default" },
  failed: { color: tokens.colorPaletteRedForeground1 },
  back: { alignSelf: "flex-start" },
  // Drawn in place (inlinePopup), the list must pass over the sticky save bar (SetupPane's, z-index 1).
  listbox: { zIndex: 2 },
});

export interface UserPickerProps {
  readonly api: ApiClient;
  /** Whose setup the pane shows now. */
  readonly current: X3User;
  /** The signed-in administrator. */
  readonly self: X3User;
  onSelect(user: X3User): void;
}

type Answer = { readonly term: string; readonly page: UsersPage } | { readonly term: string; readonly failed: string };

const display = (u: X3User) => `${u.name} (${u.code})`;
const sameUser = (a: X3User, b: X3User) => a.code.toUpperCase() === b.code.toUpperCase();

export function UserPicker({ api, current, self, onSelect }: UserPickerProps) {
  const styles = useStyles();
  const { t, i18n } = useTranslation();
  // The user the input stands for: the one shown, or the one just picked while the pane opens it.
  const [chosen, setChosen] = useState<X3User>(current);
  const [value, setValue] = useState(() => display(current));
  const [open, setOpen] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [searching, setSearching] = useState(false);
  const sequence = useRef(0);
  const inFlight = useRef<AbortController | null>(null);

  // A new user opened by the pane (by this picker or otherwise); keyed on what is shown, not on identity.
  useEffect(() => {
    setChosen(current);
    setValue(display(current));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current.code, current.name]);

  // Untouched, the input names a user: then the list shows everyone (X3's order), not that name.
  const term = (value === display(chosen) ? "" : value).trim().slice(0, MAX_TERM);

  const search = useCallback(
    (searched: string) => {
      const id = ++sequence.current;
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      setSearching(true);
      api.searchUsers(searched, { pageSize: PAGE_SIZE, signal: controller.signal }).then(
        (page) => {
          if (id !== sequence.current) return; // a later search was started: its answer is the one to show
          setAnswer({ term: searched, page });
          setSearching(false);
        },
        (err: unknown) => {
          if (id !== sequence.current) return;
          setAnswer({ term: searched, failed: problemText(t, i18n, err) });
          setSearching(false);
        },
      );
    },
    [api, t, i18n],
  );

  // Read, not depended on: a failed search is tried again on the next keystroke or opening, not in a loop.
  const answerRef = useRef(answer);
  answerRef.current = answer;
  useEffect(() => {
    if (!open) return;
    const known = answerRef.current;
    if (known && known.term === term && "page" in known) return;
    const timer = setTimeout(() => search(term), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [open, term, search]);

  // Nothing answers a picker that is gone.
  useEffect(
    () => () => {
      sequence.current += 1;
      inFlight.current?.abort();
    },
    [],
  );

  const users = answer && "page" in answer ? answer.page.items : [];
  const notice = (key: keyof typeof NOTICE, text: string, failed = false) => (
    <Option key={key} value={NOTICE[key]} text={text} disabled checkIcon={null} className={mergeClasses(styles.notice, failed && styles.failed)}>
      {text}
    </Option>
  );

  const rows: ReactNode[] = [];
  if (answer && answer.term === term) {
    if ("failed" in answer) rows.push(notice("failed", t("admin.picker.failed", { message: answer.failed }), true));
    else if (users.length === 0) rows.push(notice("none", term ? t("admin.picker.noMatch", { term }) : t("admin.picker.noUsers")));
  }
  for (const u of users) {
    rows.push(
      <Option key={u.code} value={u.code} text={display(u)} className={styles.option}>
        <span className={styles.optionText}>
          <span>{display(u)}</span> <Caption1 className={styles.email}>{u.email}</Caption1>
        </span>
      </Option>,
    );
  }
  if (answer && "page" in answer && answer.term === term && answer.page.total > users.length && users.length > 0) {
    rows.push(notice("more", t("admin.picker.more", { shown: users.length, total: answer.page.total })));
  }
  if (!answer || answer.term !== term) rows.push(notice("searching", t("admin.picker.searching")));

  return (
    <div className={styles.root}>
      <Field label={t("admin.picker.label")}>
        <Combobox
          freeform
          className={styles.combobox}
          input={{ className: styles.input }}
          placeholder={t("admin.picker.placeholder")}
          value={value}
          selectedOptions={[chosen.code]}
          open={open}
          onOpenChange={(_, data) => setOpen(data.open)}
          onChange={(event) => setValue(event.target.value)}
          onFocus={(event) => event.target.select()}
          onBlur={() => {
            // Typed and left without picking: the input names whose setup is shown again.
            setValue(display(chosen));
          }}
          onOptionSelect={(event, data) => {
            // Fluent selects the active option on Tab; leaving the field must not open another user's setup.
            if (event.type === "keydown" && (event as KeyboardEvent).key === "Tab") return;
            const user = users.find((u) => u.code === data.optionValue);
            if (!user) return; // a message row, or the selection cleared while typing
            setChosen(user);
            setValue(display(user));
            setOpen(false);
            if (!sameUser(user, current)) onSelect(user);
          }}
          listbox={{ "aria-busy": searching, className: styles.listbox }}
          // In place, not in a portal: Fluent gives portal nodes the FluentProvider's own classes, and the
          // pane's (min-height 100vh, its background) turned the list's portal into an opaque sheet over the
          // whole pane, the field included. Microsoft also recommends it for touch screen readers.
          inlinePopup
        >
          {rows}
        </Combobox>
      </Field>
      {!sameUser(current, self) && (
        <Button className={styles.back} appearance="subtle" size="small" icon={<ArrowUndoRegular />} onClick={() => onSelect(self)}>
          {t("admin.picker.backToSelf")}
        </Button>
      )}
    </div>
  );
}
