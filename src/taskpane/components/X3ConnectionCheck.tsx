/** Administrators: test the connection to X3, step by step, with what to fix. */
import { Button, makeStyles, Spinner, Subtitle2, Text, tokens } from "@fluentui/react-components";
import { useState } from "react";
import { useTranslation } from "../i18n/react";
import type { ConnectionReport } from "../../core/connectionReport";
import { type ApiClient, ApiError } from "../api";
import { useTouchStyles } from "./touch";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, alignItems: "flex-start" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  failed: { color: tokens.colorPaletteRedForeground1 },
  skipped: { color: tokens.colorNeutralForeground3 },
});

export function X3ConnectionCheck({ api }: { api: ApiClient }) {
  const styles = useStyles();
  const touch = useTouchStyles();
  const { t } = useTranslation();
  const [report, setReport] = useState<ConnectionReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      setReport(await api.checkX3Connection());
    } catch (err) {
      setError(err instanceof ApiError ? err.code : "generic");
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className={styles.box} aria-labelledby="x3-check-title" data-testid="x3-check">
      <Subtitle2 as="h2" id="x3-check-title">
        {t("x3Check.title")}
      </Subtitle2>
      <Button className={touch.button} onClick={() => void run()} disabled={running}>
        {t("x3Check.run")}
      </Button>
      {running && <Spinner size="tiny" label={t("x3Check.running")} />}
      {error && <Text className={styles.failed}>{t("problems.generic", { code: error })}</Text>}
      {report && (
        <ul className={styles.list} aria-live="polite">
          {report.steps.map((s) => (
            <li key={s.id} className={s.ok === true ? styles.ok : s.ok === false ? styles.failed : styles.skipped}>
              <Text weight="semibold">{stepName(t, s.id)}</Text>
              {": "}
              {t(s.ok === true ? "x3Check.ok" : s.ok === false ? "x3Check.failed" : "x3Check.skipped")} — {s.detail}
              {s.fix && <div>{s.fix}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "class:SYNCDATA" → "Table SYNCDATA", "publication:YSYP" → "Publication YSYP", "pool" → "SOAP pool". */
function stepName(t: ReturnType<typeof useTranslation>["t"], id: string): string {
  const colon = id.indexOf(":");
  if (colon < 0) return t(`x3Check.steps.${id}`);
  const kind = id.slice(0, colon);
  return t(`x3Check.steps.${kind}`, { table: id.slice(colon + 1), name: id.slice(colon + 1) });
}
