/**
 * Strings of the history view, the change lists and the administrators' user picker: `admin.*` of the
 * string tables. Not in the language chunks the first render waits for: the pane adds them when one of those
 * views loads (src/taskpane/i18n/load.ts, views.ts); the tests' i18next has them from the start (./index.ts).
 */
export const adminEn = {
  picker: {
    label: "Open the setup of",
    placeholder: "Code, name or e-mail",
    searching: "Searching…",
    noMatch: "No X3 user matches “{{term}}”.",
    noUsers: "X3 has no users to show.",
    more: "{{shown}} of {{total}} shown: type more to narrow the list.",
    failed: "X3 users cannot be searched: {{message}}",
    backToSelf: "Back to my own setup",
  },
  history: {
    title: "History of {{name}}'s setup",
    loading: "Loading the history…",
    empty: "No change has been recorded for this setup yet.",
    failed: "The history cannot be loaded: {{message}}",
    retry: "Try again",
    showOlder: "Show older",
    loadingOlder: "Loading older changes…",
    shown: "{{shown}} of {{total}} changes shown.",
    version: "Version {{version}}",
    current: "Current",
    actor: {
      pane: "By {{actor}}",
      x3: "Changed in X3 (GESSYP)",
      policy: "Company policy",
      policyBy: "Company policy, applied by {{actor}}",
      default: "Initial setup",
      restore: "Restored by {{actor}}",
    },
    /** What is shown; `changeSpoken` is what a screen reader says instead (no arrow to read out). */
    change: "{{label}} ({{code}}): {{from}} → {{to}}",
    changeSpoken: "{{label}} ({{code}}): from {{from}} to {{to}}",
    on: "On",
    off: "Off",
    noChange: "No flag changed.",
    restore: "Restore this version",
    restoring: "Restoring…",
    restored: "Version {{version}} was restored: it is now version {{current}}.",
    stale: "Someone changed this setup meanwhile. The history was reloaded: check it before restoring.",
    restoreFailed: "The version was not restored: {{message}}",
    restoreGone: "This version can no longer be restored.",
    confirmTitle: "Restore version {{version}} of {{name}}'s setup?",
    confirmSent: "The restored setup is saved and sent to X3 at once.",
    confirmUnknown: "What it changes cannot be worked out right now (the setup changed meanwhile): close this and try again in a moment.",
    confirmNoChange: "It holds the same flags as the current setup.",
    confirmUnsaved_one: "{{count}} unsaved change on screen will be replaced.",
    confirmUnsaved_other: "{{count}} unsaved changes on screen will be replaced.",
    confirmCancel: "Cancel",
    confirmRestore: "Restore",
  },
};
export type AdminStrings = typeof adminEn;
