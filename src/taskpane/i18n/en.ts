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
  /** The entities as nouns inside a sentence. */
  entityNouns: { contact: "contact", task: "task", call: "call", appointment: "appointment" },
  sides: { outlook: "In Outlook (from X3)", x3: "In X3 (from Outlook)" },
  flags: flagLabels,
  flagCode: "Field {{code}}",
  notApplicable: {
    label: "Create X3 call",
    text: "Does not apply: Outlook has no call item, so a call can never be created from Outlook.",
  },
  actions: { save: "Save", discard: "Discard", retry: "Try again" },
  locked: "Locked by company policy: {{reason}}",
  entityOff: "Not synchronized in this X3 folder ({{parameter}} is No).",
  prerequisites: {
    title: "Synchronization will not run for you until an X3 administrator fixes this:",
    "sync-off":
      "Synchronization is switched off in this X3 folder: set {{parameter}} to Yes (Setup > General parameters > Parameter values, CRM chapter, SYN group).",
    "entity-off":
      "{{entity}} are not synchronized in this X3 folder: set {{parameter}} to Yes (Setup > General parameters > Parameter values, CRM chapter, SYN group).",
    "no-sales-function": "You have no function in X3 (Setup > Users > Users, Parameters, CRM chapter, COL group: {{parameter}} — function).",
    "not-a-sales-position":
      "Your X3 function is not a sales position: choose Sales engineer, Telemarketer, Sales manager or Follow-up agent (Setup > Users > Users, Parameters, CRM chapter, COL group: {{parameter}} — function).",
    "no-sales-rep": "You have no sales rep code in X3 (Setup > Users > Users, Parameters, CRM chapter, COL group: {{parameter}} — sales rep code).",
    "x3-unreachable": "X3 could not be asked whether synchronization can run for you.",
    ownership: "Only the items you own, in X3 and in Outlook, synchronize; items marked private in Outlook are skipped.",
  },
  impact: {
    title: "Waiting in X3 for the next synchronization",
    none: "No X3 change is waiting for the next synchronization.",
    unavailable: "X3's waiting changes cannot be read right now.",
    applied_one: "{{count}} {{entity}} change ({{action}}) made in X3 will reach Outlook; turning off “{{flag}}” keeps it out.",
    applied_other: "{{count}} {{entity}} changes ({{action}}) made in X3 will reach Outlook; turning off “{{flag}}” keeps them out.",
    blocked_one: "{{count}} {{entity}} change ({{action}}) made in X3 will not reach Outlook: “{{flag}}” is off.",
    blocked_other: "{{count}} {{entity}} changes ({{action}}) made in X3 will not reach Outlook: “{{flag}}” is off.",
    actions: { create: "creation", update: "update", delete: "deletion" },
  },
  x3Check: {
    title: "Connection to X3",
    run: "Test the connection",
    running: "Testing…",
    ok: "OK",
    failed: "failed",
    skipped: "not tried",
    steps: { reach: "Reaching X3", tls: "Certificate", auth: "Sign-in to X3", class: "Table {{table}}" },
  },
  status: {
    loading: "Loading your setup…",
    cached: "Showing your last saved setup while checking with the server…",
    saving: "Saving…",
    savedToX3: "Saved to X3 at {{time}}.",
    waitingForX3: "Saved. Waiting for X3 to take it…",
    waitingForX3Retry: "Saved. X3 cannot be reached; next try at {{time}}.",
    notConfirmed: "X3 cannot be reached: this is your setup as last saved (X3 confirmed it at {{time}}).",
    notConfirmedNever: "X3 cannot be reached: this is your setup as last saved, not yet confirmed by X3.",
    rejected: "X3 rejected the change: {{message}}",
    notSavedYet: "Not saved to X3 yet.",
    fromX3: "As X3 holds it (read at {{time}}).",
    missingInX3: "X3 holds no setup for you any more (it was removed in X3). Save to write this one again.",
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
    "flag-locked": "Company policy locks one of these flags; it was put back to the policy's value.",
    unauthenticated: "Your sign-in has expired. Close and reopen the pane.",
    "x3-unavailable": "X3 cannot be reached right now. Try again in a moment.",
    "rate-limited": "Too many requests: wait a minute and try again.",
    "not-found": "This X3 user does not exist.",
    "sign-in-failed": "Signing in to Microsoft 365 did not work. Close and reopen the pane; if it happens again, tell your IT department.",
    network: "The server cannot be reached. Check your connection.",
    "sign-in-unavailable": "Sign-in is not available on this server yet. Ask your IT department.",
    generic: "Something went wrong ({{code}}). Try again; if it persists, tell your IT department.",
  },
};

export type Resources = typeof en;
