import { FLAGS } from "../../core/flags";

const flagLabels = Object.fromEntries(FLAGS.map((f) => [f.code, f.label]));

export const en = {
  app: { title: "X3 synchronization setup" },
  preview: {
    banner: "Browser preview — not connected to Outlook. Settings are kept in this browser.",
    pickUser: "Demo user",
    pickUserPlaceholder: "Choose a demo user",
    choose: "Choose a demo user to see and edit their setup.",
  },
  header: {
    setupFor: "Setup for",
    administrator: "Administrator",
  },
  entities: { contact: "Contacts", task: "Tasks", call: "Calls", appointment: "Appointments" },
  sides: { outlook: "In Outlook (from X3)", x3: "In X3 (from Outlook)" },
  flags: flagLabels,
  flagCode: "Field {{code}}",
  notApplicable: {
    label: "Create X3 call",
    text: "Does not apply: Outlook has no call item, so a call can never be created from Outlook.",
  },
  actions: { save: "Save", discard: "Discard", retry: "Try again" },
  status: {
    loading: "Loading your setup…",
    cached: "Showing your last saved setup while checking with the server…",
    saving: "Saving…",
    savedToX3: "Saved to X3 at {{time}}.",
    waitingForX3: "Saved. Waiting for X3 to take it…",
    waitingForX3Retry: "Saved. X3 cannot be reached; next try at {{time}}.",
    rejected: "X3 rejected the change: {{message}}",
    notSavedYet: "Not saved to X3 yet.",
    unsaved: "Unsaved changes",
    offline: "The server cannot be reached. Your change is kept and will be sent when the server answers.",
    pendingRestored: "You have a change that was not sent yet; it is being sent now.",
    merged: "Someone else changed this setup meanwhile; their changes were kept alongside yours.",
    conflict: "Someone else changed {{flags}} differently meanwhile. Their value is shown: check it and save again.",
    saveFailed: "The change was not saved: {{message}}",
    roamingFailed: "Outlook could not keep your settings ({{message}}). Your change is still on screen: save again.",
    roamingTooLarge: "Outlook's settings storage for this add-in is full; your change is not kept in Outlook.",
  },
  problems: {
    "no-x3-user": "No X3 user has the e-mail address {{email}}. Ask your X3 administrator to enter it on your X3 user (Setup > Users > Users, e-mail).",
    "ambiguous-x3-user": "Several X3 users have the e-mail address {{email}}. Ask your X3 administrator to keep it on one user only.",
    forbidden: "You can only see and change your own setup.",
    unauthenticated: "Your sign-in has expired. Close and reopen the pane.",
    "x3-unavailable": "X3 cannot be reached right now. Try again in a moment.",
    "rate-limited": "Too many requests: wait a minute and try again.",
    "not-found": "This X3 user does not exist.",
    network: "The server cannot be reached. Check your connection.",
    "sign-in-unavailable": "Sign-in is not available on this server yet. Ask your IT department.",
    generic: "Something went wrong ({{code}}). Try again; if it persists, tell your IT department.",
  },
};

export type Resources = typeof en;
