/**
 * The payloads the pane and the server exchange, declared once (zod) and shared by both.
 */
import { z } from "zod";
import { FLAG_CODES, type FlagCode, type Flags } from "./flags";

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
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

export const SyncSetupSchema = z.strictObject({
  userCode: z.string(),
  flags: FlagsSchema,
  /** 0 until the setup is first saved; the ETag is this number. */
  version: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
  source: z.enum(CHANGE_SOURCES),
  delivery: DeliverySchema,
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
});
export type Me = z.output<typeof MeSchema>;

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

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Parses an If-Match value into a version; null when it is not one of ours (a weak or foreign tag). */
export function versionFromEtag(header: string | undefined): number | null {
  if (!header) return null;
  const m = /^\s*"(\d{1,15})"\s*$/.exec(header);
  return m ? Number(m[1]) : null;
}
