/**
 * The SYNCPAR flag catalogue: the one place where X3's field codes (COROTKCRE …) are spelled out.
 *
 * A code is entity prefix + side + action (X3-CONTRACT.md):
 *   COR Outlook contact · TSK task · CLL call · BAP appointment
 *   OTK applied in Outlook (X3 → Outlook) · ADX applied in X3 (Outlook → X3)
 *   CRE create · UPD update · DLT delete
 *
 * Labels and help texts are the GESSYP help page's (seed), with its two copy errors mended:
 * "Update Outlook call" speaks of an update, "Delete X3 appt." of a deletion; and where GESSYP's check
 * box says "If it is checked", the pane's switch says "When it is on".
 */

export const ENTITIES = ["contact", "task", "call", "appointment"] as const;
export type Entity = (typeof ENTITIES)[number];

/** Where the synchronization applies the change. */
export const SIDES = ["outlook", "x3"] as const;
export type Side = (typeof SIDES)[number];

export const ACTIONS = ["create", "update", "delete"] as const;
export type Action = (typeof ACTIONS)[number];

const ENTITY_PREFIX = { contact: "COR", task: "TSK", call: "CLL", appointment: "BAP" } as const;
const SIDE_INFIX = { outlook: "OTK", x3: "ADX" } as const;
const ACTION_SUFFIX = { create: "CRE", update: "UPD", delete: "DLT" } as const;

type CodeOf<E extends Entity, S extends Side, A extends Action> =
  `${(typeof ENTITY_PREFIX)[E]}${(typeof SIDE_INFIX)[S]}${(typeof ACTION_SUFFIX)[A]}`;

/** Every SYNCPAR flag column, including CLLADXCRE which the GESSYP screen does not show. */
export type SyncparCode = CodeOf<Entity, Side, Action>;

/** A call never originates in Outlook (Outlook has no call item), so X3 calls are never created from it. */
export const NOT_APPLICABLE_CODES = ["CLLADXCRE"] as const;
export type NotApplicableCode = (typeof NOT_APPLICABLE_CODES)[number];

/** The 23 flags of the GESSYP screen: what a user can set. */
export type FlagCode = Exclude<SyncparCode, NotApplicableCode>;

export interface FlagDefinition {
  readonly code: SyncparCode;
  readonly entity: Entity;
  readonly side: Side;
  readonly action: Action;
  /** False only for CLLADXCRE: it exists in SYNCPAR, is never shown as a switch and is always No. */
  readonly applicable: boolean;
  /** The seed's label, e.g. "Create Outlook contact". */
  readonly label: string;
  /** The seed's help text. */
  readonly help: string;
}

export function flagCodeOf(entity: Entity, side: Side, action: Action): SyncparCode {
  return `${ENTITY_PREFIX[entity]}${SIDE_INFIX[side]}${ACTION_SUFFIX[action]}` as SyncparCode;
}

type Texts = { readonly label: string; readonly help: string };

const TEXTS: Readonly<Record<SyncparCode, Texts>> = {
  COROTKCRE: {
    label: "Create Outlook contact",
    help: "When it is on, this flag authorizes the creation of Outlook contacts.",
  },
  CORADXCRE: {
    label: "Create X3 contact",
    help:
      "An Outlook contact represents a temporary data used to store in Sage X3 the information coming from an " +
      "Outlook contact. Indeed, an Outlook contact is not necessarily a contact known in the database. It can be " +
      "later on generated as a contact or it can never be transformed into one. It can also be used within the " +
      "framework of the creations of CRM activities. When it is on, this flag authorizes the creation of " +
      "Outlook contacts in Sage X3.",
  },
  COROTKUPD: {
    label: "Update Outlook contact",
    help: "When it is on, this flag authorizes the update of Outlook contacts.",
  },
  CORADXUPD: {
    label: "Update X3 contact",
    help: "When it is on, this flag authorizes the update of Outlook contacts in Sage X3 Enterprise.",
  },
  COROTKDLT: {
    label: "Delete Outlook contact",
    help: "When it is on, this flag authorizes the deletion of Outlook contacts.",
  },
  CORADXDLT: {
    label: "Delete X3 contact",
    help: "When it is on, this flag authorizes the deletion of Outlook contacts in Sage X3.",
  },
  TSKOTKCRE: {
    label: "Create Outlook task",
    help: "When it is on, this flag authorizes the creation of tasks in Outlook.",
  },
  TSKADXCRE: {
    label: "Create X3 task",
    help: "When it is on, this flag authorizes the creation of tasks in Sage X3.",
  },
  TSKOTKUPD: {
    label: "Update Outlook task",
    help: "When it is on, this flag authorizes the update of tasks in Outlook.",
  },
  TSKADXUPD: {
    label: "Update X3 task",
    help: "When it is on, this flag authorizes the update of tasks in Sage X3.",
  },
  TSKOTKDLT: {
    label: "Delete Outlook task",
    help: "When it is on, this flag authorizes the deletion of tasks from Outlook.",
  },
  TSKADXDLT: {
    label: "Delete X3 task",
    help: "When it is on, this flag authorizes the deletion of tasks in Sage X3.",
  },
  CLLOTKCRE: {
    label: "Create Outlook call",
    help:
      "When it is on, this flag authorizes the creation of calls in the Outlook task workbench. The original " +
      "X3 call is also generated in the Outlook task workbench further to the synchronization.",
  },
  CLLADXCRE: {
    label: "Create X3 call",
    help:
      "Not on the GESSYP screen: Outlook has no call item, so a call can never be created from Outlook. " +
      "This flag always stays off.",
  },
  CLLOTKUPD: {
    label: "Update Outlook call",
    help:
      "When it is on, this flag authorizes the update of calls in the Outlook task workbench. The original " +
      "X3 call is also updated in the Outlook task workbench further to the synchronization.",
  },
  CLLADXUPD: {
    label: "Update X3 call",
    help:
      "When it is on, this flag authorizes the update of calls in Sage X3. The X3 call is thus updated in the " +
      "Outlook task workbench and further to the synchronization, it is also modified in Sage X3.",
  },
  CLLOTKDLT: {
    label: "Delete Outlook call",
    help:
      "When it is on, this flag authorizes the deletion of calls from the Outlook task workbench. The original " +
      "X3 call is also deleted from the Outlook task workbench further to the synchronization.",
  },
  CLLADXDLT: {
    label: "Delete X3 call",
    help:
      "When it is on, this flag authorizes the deletion of calls in Sage X3. The X3 call is thus deleted from " +
      "the Outlook task workbench and further to the synchronization, it is also deleted from Sage X3.",
  },
  BAPOTKCRE: {
    label: "Create Outlook appt.",
    help: "When it is on, this flag authorizes the creation of appointments in Outlook.",
  },
  BAPADXCRE: {
    label: "Create X3 appt.",
    help: "When it is on, this flag authorizes the creation of appointments in Sage X3.",
  },
  BAPOTKUPD: {
    label: "Update Outlook appt.",
    help: "When it is on, this flag authorizes the update of appointments in Outlook.",
  },
  BAPADXUPD: {
    label: "Update X3 appt.",
    help: "When it is on, this flag authorizes the update of appointments in Sage X3.",
  },
  BAPOTKDLT: {
    label: "Delete Outlook appt.",
    help: "When it is on, this flag authorizes the deletion of appointments from Outlook.",
  },
  BAPADXDLT: {
    label: "Delete X3 appt.",
    help: "When it is on, this flag authorizes the deletion of appointments in Sage X3.",
  },
};

/** All 24 SYNCPAR flags, in the order of the GESSYP screen: entity, then action, Outlook side before X3 side. */
export const SYNCPAR_FLAGS: readonly FlagDefinition[] = ENTITIES.flatMap((entity) =>
  ACTIONS.flatMap((action) =>
    SIDES.map((side): FlagDefinition => {
      const code = flagCodeOf(entity, side, action);
      return {
        code,
        entity,
        side,
        action,
        applicable: !(NOT_APPLICABLE_CODES as readonly string[]).includes(code),
        ...TEXTS[code],
      };
    }),
  ),
);

/** The 23 flags a user can set. */
export const FLAGS: readonly (FlagDefinition & { readonly code: FlagCode })[] = SYNCPAR_FLAGS.filter(
  (f): f is FlagDefinition & { code: FlagCode } => f.applicable,
);

export const FLAG_CODES: readonly FlagCode[] = FLAGS.map((f) => f.code);
export const SYNCPAR_CODES: readonly SyncparCode[] = SYNCPAR_FLAGS.map((f) => f.code);

const BY_CODE = new Map<string, FlagDefinition>(SYNCPAR_FLAGS.map((f) => [f.code, f]));

export function flagDefinition(code: SyncparCode): FlagDefinition {
  const found = BY_CODE.get(code);
  if (!found) throw new RangeError(`Unknown SYNCPAR flag ${code}`);
  return found;
}

export function isFlagCode(value: string): value is FlagCode {
  return BY_CODE.get(value)?.applicable === true;
}

/** The flags of a setup: exactly the 23 settable ones. */
export type Flags = Readonly<Record<FlagCode, boolean>>;

export function allFlags(value: boolean): Flags {
  // Property by property: Object.fromEntries over 23 [code, value] pairs costs 5–8 times as much (measured
  // with Node 20), and the server makes one of these for every save.
  const flags = {} as Record<FlagCode, boolean>;
  for (const code of FLAG_CODES) flags[code] = value;
  return flags;
}

/** Codes whose value differs between two flag sets, in catalogue order. */
export function changedFlags(before: Flags, after: Flags): FlagCode[] {
  return FLAG_CODES.filter((c) => before[c] !== after[c]);
}
