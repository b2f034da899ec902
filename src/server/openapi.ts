/**
 * The OpenAPI document of /api/v1, generated from the zod schemas the handlers validate with (src/core),
 * so a field is declared once. A test checks that every registered route is described here.
 */
import { z } from "zod";
import { ConnectionReportSchema } from "../core/connectionReport";
import { ImpactResponseSchema } from "../core/impact";
import { PolicySchema } from "../core/policy";
import { PrerequisitesSchema } from "../core/prerequisites";
import {
  DemoUsersSchema,
  DevTokenRequestSchema,
  DevTokenSchema,
  HealthSchema,
  HistoryPageSchema,
  MeSchema,
  PageQuerySchema,
  PaneSignInSchema,
  PolicyResponseSchema,
  ProblemSchema,
  ReadinessSchema,
  RestoreRequestSchema,
  SetupUpdateSchema,
  SyncSetupSchema,
  UsersPageSchema,
  UserSearchQuerySchema,
} from "../core/setup";

type Auth = "none" | "user" | "administrator";

interface RouteDoc {
  readonly method: "get" | "put" | "post";
  readonly path: string;
  readonly summary: string;
  readonly auth: Auth;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** Writes that take If-Match. */
  readonly ifMatch?: boolean;
  readonly etag?: boolean;
  readonly developmentOnly?: boolean;
}

export const API_ROUTES: readonly RouteDoc[] = [
  { method: "get", path: "/healthz", summary: "The process is alive", auth: "none", response: HealthSchema },
  { method: "get", path: "/readyz", summary: "The store and X3 answer (503 names which does not)", auth: "none", response: ReadinessSchema },
  { method: "get", path: "/api/v1/openapi.json", summary: "This document", auth: "none", response: z.object({}).loose() },
  { method: "get", path: "/api/v1/auth/config", summary: "How the pane signs in", auth: "none", response: PaneSignInSchema },
  { method: "post", path: "/api/v1/dev/token", summary: "Development mode only: a token for a mailbox", auth: "none", body: DevTokenRequestSchema, response: DevTokenSchema, developmentOnly: true },
  { method: "get", path: "/api/v1/dev/users", summary: "Development mode only: the X3 users, for the browser preview", auth: "none", response: DemoUsersSchema, developmentOnly: true },
  { method: "get", path: "/api/v1/me", summary: "The signed-in X3 user, administrator or not, and the synchronization prerequisites", auth: "user", response: MeSchema },
  { method: "get", path: "/api/v1/users", summary: "Administrators: search X3 users by code, name or e-mail", auth: "administrator", query: UserSearchQuerySchema, response: UsersPageSchema },
  { method: "get", path: "/api/v1/setups/{userCode}", summary: "A user's setup, its version as ETag, delivery state, X3 confirmation and locks", auth: "user", response: SyncSetupSchema, etag: true },
  { method: "put", path: "/api/v1/setups/{userCode}", summary: "Save a user's setup (all 23 flags) from the version in If-Match", auth: "user", body: SetupUpdateSchema, response: SyncSetupSchema, ifMatch: true, etag: true },
  { method: "get", path: "/api/v1/setups/{userCode}/history", summary: "Who changed what and when, newest first", auth: "user", query: PageQuerySchema, response: HistoryPageSchema },
  { method: "post", path: "/api/v1/setups/{userCode}/restore", summary: "Administrators: back to the flags of a history entry, as a new version", auth: "administrator", body: RestoreRequestSchema, response: SyncSetupSchema, ifMatch: true, etag: true },
  { method: "get", path: "/api/v1/setups/{userCode}/prerequisites", summary: "What X3 checks before it synchronizes the user", auth: "user", response: PrerequisitesSchema },
  { method: "get", path: "/api/v1/setups/{userCode}/impact", summary: "X3 changes waiting for the next synchronization (SYNCDATA), counted", auth: "user", response: ImpactResponseSchema },
  { method: "get", path: "/api/v1/policy", summary: "Company defaults and locks", auth: "user", response: PolicyResponseSchema, etag: true },
  { method: "put", path: "/api/v1/policy", summary: "Administrators: replace the company policy; locks are enforced on every stored setup", auth: "administrator", body: PolicySchema, response: PolicyResponseSchema, ifMatch: true, etag: true },
  { method: "post", path: "/api/v1/admin/x3-check", summary: "Administrators: test the connection to X3, step by step", auth: "administrator", response: ConnectionReportSchema },
];

const json = (schema: z.ZodType, io: "input" | "output") => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

export function openApiDocument(options: { development: boolean; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of API_ROUTES) {
    if (r.developmentOnly && !options.development) continue;
    const parameters: unknown[] = [];
    if (r.path.includes("{userCode}")) {
      parameters.push({ name: "userCode", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9_]{1,10}$" }, description: "X3 user code (AUTILIS.USR)" });
    }
    for (const [name, prop] of Object.entries(r.query?.shape ?? {})) {
      parameters.push({ name, in: "query", required: false, schema: json(prop as z.ZodType, "input") });
    }
    if (r.ifMatch) parameters.push({ name: "If-Match", in: "header", required: true, schema: { type: "string" }, description: 'The ETag ("version") the change was made from' });
    const responses: Record<string, unknown> = {
      "200": {
        description: "OK",
        ...(r.etag ? { headers: { ETag: { schema: { type: "string" }, description: "The version" } } } : {}),
        content: { "application/json": { schema: json(r.response, "output") } },
      },
      "400": problem("The request does not have the expected form"),
      "429": problem("Too many requests"),
    };
    if (r.auth !== "none") Object.assign(responses, { "401": problem("Sign-in required"), "403": problem("Not allowed, or no X3 user for the mailbox") });
    if (r.ifMatch) Object.assign(responses, { "412": problem("Stale version: `current` holds the current state"), "428": problem("If-Match missing") });
    if (r.body) responses["413"] = problem("Body over 16 KB");
    paths[r.path] = {
      ...paths[r.path],
      [r.method]: {
        summary: r.summary,
        ...(r.auth === "none" ? { security: [] } : {}),
        ...(r.auth === "administrator" ? { "x-administrators-only": true } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: json(r.body, "input") } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "X3 Sync Setup add-in API", version: options.version, description: "Sage X3 GESSYP synchronization setup (table SYNCPAR), per user." },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Problem: json(ProblemSchema, "output") },
    },
    paths,
  };
}
