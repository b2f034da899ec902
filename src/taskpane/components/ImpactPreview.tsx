/**
 * Impact preview: X3 changes waiting for the next synchronization (SYNCDATA), and what the flags on
 * screen — saved or not — will do with them.
 */
import { Button, makeStyles, Subtitle2, Text, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "../i18n/react";
import type { Flags } from "../../core/flags";
import { impactOf, type PendingChanges } from "../../core/impactLines";
import { type ApiClient, ApiError } from "../api";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  blocked: { color: tokens.colorNeutralForeground3 },
});

export function ImpactPreview({ api, userCode, flags }: { api: ApiClient; userCode: string; flags: Flags }) {
  const styles = useStyles();
  const { t } = useTranslation();
  const [pending, setPending] = useState<PendingChanges | null>(null);
  const [failed, setFailed] = useState<"unavailable" | "notPublished" | null>(null);

  const load = useCallback(() => {
    setFailed(null);
    api
      .impact(userCode)
      .then((r) => setPending(r.pending))
      .catch((err: unknown) => {
        setFailed(err instanceof ApiError && err.code === "x3-not-published" ? "notPublished" : "unavailable");
        if (!(err instanceof ApiError)) throw err;
      });
  }, [api, userCode]);
  useEffect(load, [load]);

  const lines = pending ? impactOf(pending, flags) : [];
  return (
    <section className={styles.box} aria-labelledby="impact-title" data-testid="impact">
      <Subtitle2 as="h2" id="impact-title">
        {t("impact.title")}
      </Subtitle2>
      {failed === "notPublished" ? (
        <Text>{t("impact.notPublished")}</Text>
      ) : failed ? (
        <Text>
          {t("impact.unavailable")} <Button size="small" onClick={load}>{t("actions.retry")}</Button>
        </Text>
      ) : !pending ? (
        <Text>{t("status.loading")}</Text>
      ) : lines.length === 0 ? (
        <Text>{t("impact.none")}</Text>
      ) : (
        <ul className={styles.list}>
          {lines.map((l) => (
            <li key={l.flag} className={l.applied ? undefined : styles.blocked}>
              {t(l.applied ? "impact.applied" : "impact.blocked", {
                count: l.count,
                entity: t(`entityNouns.${l.entity}`),
                action: t(`impact.actions.${l.action}`),
                flag: t(`flags.${l.flag}`),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
