/**
 * What X3 checks before it synchronizes the user, said plainly: each failing check names the X3
 * parameter an administrator must set, and where. Editing stays possible.
 */
import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, tokens } from "@fluentui/react-components";
import { useTranslation } from "../i18n/react";
import type { Prerequisites as PrerequisitesData } from "../../core/prerequisites";

const useStyles = makeStyles({
  list: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: tokens.spacingHorizontalL },
});

/** `other`: an administrator looking at someone else's setup — the texts speak of "this user", not "you". */
export function Prerequisites({ prerequisites, other = false }: { prerequisites: PrerequisitesData; other?: boolean }) {
  const styles = useStyles();
  const { t } = useTranslation();
  const problems = prerequisites.problems;
  if (problems.length === 0) return null;
  // Parameters X3 does not publish are unknown, not missing: said as such, not as "will not run".
  const unchecked = problems.every((p) => p.code === "x3-not-published");
  return (
    <MessageBar intent={unchecked ? "info" : "warning"} layout="multiline" data-testid="prerequisites">
      <MessageBarBody>
        <MessageBarTitle>{unchecked ? t("prerequisites.titleUnchecked") : t("prerequisites.title", { context: other ? "other" : undefined })}</MessageBarTitle>
        <ul className={styles.list}>
          {problems.map((p) => (
            <li key={`${p.code}-${p.entity ?? ""}`}>
              {t(`prerequisites.${p.code}`, {
                parameter: p.parameter ?? "",
                entity: p.entity ? t(`entities.${p.entity}`) : "",
                context: other ? "other" : undefined,
              })}
            </li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}
