/**
 * The payloads the pane and the server exchange, declared once (zod) and shared by both.
 */
import { z } from "zod";
import { MAX_VERSION } from "./etag";
import { FLAG_CODES, type FlagCode, type Flags } from "./flags";
import { LockSchema, PolicySchema } from "./policy";
import type { PaneSignIn } from "./paneSignIn";
import { PrerequisitesSchema } from "./prerequisites";
import type { SameType } from "./sameType";

/** X3 user codes (AUTILIS.USR): letters, digits and underscore, up to 10 characters; compared in upper case. */
export const UserCodeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,10}$/, "An X3 user code has 1 to 10 letters, digits or underscores")
  .transform((s) => s.toUpperCase());
export type UserCode = z.output<typeof UserCodeSchema>;

const flagShape = Object.fromEntries(FLAG_CODES.map((c) => [c, z.boolean()])) as Record<FlagCode, z.ZodBoolean>;

/** Exactly the 23 settable flags, each a boolean: unknown codes (CLLADXCRE included) and extra keys are refused. */
export const FlagsSchema: z.ZodType<Flags, Record<FlagCode, boolean>> = z.strictObject(flagShape);

export const SetupUpdateSchema = z.strictObject({ flags: FlagsSchema });
export type SetupUpdate = z.output<typeof SetupUpdateSchema>;

export const DELIVERY_STATES = ["delivered", "pending", "failed", "none"] as const;
export const DeliverySchema = z.strictObject({
  /** delivered: X3 has this version · pending: queued for X3 · failed: X3 refused it · none: nothing to send. */
  state: z.enum(DELIVERY_STATES),
  /** The version the state speaks of. */
  version: z.number().int().nonnegative(),
  at: z.iso.datetime().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  message: z.string().nullable(),
});
export type Delivery = z.output<typeof DeliverySchema>;

export const CHANGE_SOURCES = ["pane", "x3", "policy", "restore", "default"] as const;
export const ChangeSourceSchema = z.enum(CHANGE_SOURCES);
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/** Whether what the server shows is what X3's SYNCPAR holds. */
export const X3ConfirmationSchema = z.strictObject({
  /** True when X3 was read just now and holds this version (or an X3 change was just taken in). */
  confirmed: z.boolean(),
  /** When X3 last confirmed it; with confirmed false: "not confirmed by X3 since". */
  lastConfirmedAt: z.iso.datetime().nullable(),
  /**
   * X3 answered, and holds no SYNCPAR row for the user: never created (version 0: what is shown are the
   * defaults) or removed in X3 since a setup was accepted.
   */
  missing: z.boolean(),
});
export type X3Confirmation = z.output<typeof X3ConfirmationSchema>;

export const LocksSchema = z.record(z.string(), LockSchema);

export const SyncSetupSchema = z.strictObject({
  userCode: z.string(),
  flags: FlagsSchema,
  /** 0 until the setup is first saved; the ETag is this number. */
  version: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
  source: z.enum(CHANGE_SOURCES),
  delivery: DeliverySchema,
  x3: X3ConfirmationSchema,
  /** Company policy locks that apply: flag code → forced value and the reason. */
  locks: LocksSchema,
});
export type SyncSetup = z.output<typeof SyncSetupSchema>;

export const X3UserSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  email: z.string(),
  language: z.string().nullable(),
});
export type X3User = z.output<typeof X3UserSchema>;

export const MeSchema = z.strictObject({
  user: X3UserSchema,
  administrator: z.boolean(),
  /** True when the server runs in development mode (dev sign-in, demo users). */
  development: z.boolean(),
  /** What X3 checks before it synchronizes this user, and what is missing. */
  prerequisites: PrerequisitesSchema,
});
export type Me = z.output<typeof MeSchema>;

const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    page: z.number().int().positive(),
    pageSize: z.number().int().positive(),
  });

export const PageQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const UserSearchQuerySchema = PageQuerySchema.extend({ search: z.string().trim().max(100).default("") });
export const UsersPageSchema = page(X3UserSchema);
export type UsersPage = z.output<typeof UsersPageSchema>;

export const FlagChangeSchema = z.strictObject({ code: z.string(), from: z.boolean(), to: z.boolean() });
export const HistoryEntrySchema = z.strictObject({
  version: z.number().int().positive(),
  at: z.iso.datetime(),
  /** An e-mail address for pane edits, "X3" for changes read from X3, "policy" for policy changes. */
  actor: z.string(),
  source: ChangeSourceSchema,
  changes: z.array(FlagChangeSchema),
});
export type HistoryEntry = z.output<typeof HistoryEntrySchema>;
export const HistoryPageSchema = page(HistoryEntrySchema);
export type HistoryPage = z.output<typeof HistoryPageSchema>;

// Bounded like If-Match: the store's version columns are 32-bit integers, and PostgreSQL refuses a larger
// number in a query with an error (a 5xx) rather than finding no row.
export const RestoreRequestSchema = z.strictObject({ version: z.number().int().positive().max(MAX_VERSION) });

/** How the pane signs in (GET /api/v1/auth/config): development tokens, or Microsoft Entra ID. */
export const PaneSignInSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("development") }),
  z.strictObject({
    mode: z.literal("entra"),
    clientId: z.string().min(1),
    authority: z.url({ protocol: /^https$/ }),
    scopes: z.array(z.string().min(1)).min(1),
  }),
]);
export type { PaneSignIn } from "./paneSignIn";
// The pane checks this answer with the hand-written isPaneSignIn (it does not ship zod): same type both ways.
true satisfies SameType<z.output<typeof PaneSignInSchema>, PaneSignIn>;

export const PolicyResponseSchema = z.strictObject({ policy: PolicySchema, version: z.number().int().nonnegative() });

export const HealthSchema = z.strictObject({ status: z.literal("ok") });
export const ReadinessSchema = z.strictObject({
  status: z.enum(["ready", "not-ready"]),
  checks: z.strictObject({ store: z.enum(["ok", "failed"]), x3: z.enum(["ok", "failed"]) }),
});

export const DevTokenRequestSchema = z.strictObject({ email: z.email().max(254) });
export const DevTokenSchema = z.strictObject({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().positive(),
});
export type DevToken = z.output<typeof DevTokenSchema>;

export const DemoUsersSchema = z.strictObject({ users: z.array(X3UserSchema) });

/** RFC 9457 problem details, with our stable `code` that the pane turns into a sentence. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  /** On 412: the current state, so the pane can merge without another round trip. */
  current: SyncSetupSchema.optional(),
});
export type Problem = z.output<typeof ProblemSchema>;

export { etagOf } from "./etag";
