/**
 * A user's synchronization setup, its history, its prerequisites and the impact preview. A user reaches
 * only their own; an administrator any. A refusal never tells whether another user exists.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { countPendingChanges, type ImpactResponse } from "../../core/impact";
import type { Prerequisites } from "../../core/prerequisites";
import {
  etagOf,
  type HistoryPage,
  PageQuerySchema,
  RestoreRequestSchema,
  SetupUpdateSchema,
  type SyncSetup,
  UserCodeSchema,
} from "../../core/setup";
import { MAX_VERSION, parseIfMatch } from "../../core/etag";
import { WEAK_TAG } from "../setupService";
import type { Directory } from "../directory";
import { ProblemError } from "../problems";
import type { SetupService } from "../setupService";
import type { SetupStore } from "../store/setupStore";
import { isNotPublished, type X3Port } from "../x3Port";

export interface SetupRouteOptions {
  readonly setups: SetupService;
  readonly store: SetupStore;
  readonly directory: Directory;
  readonly x3: X3Port;
}

/**
 * The If-Match version of a write: 428 without one, or with `*` (a write names the version it was made
 * from); 400 for a value that is no entity tag of ours; a weak tag never matches (If-Match compares
 * strongly), so it goes on as a version no setup has and is answered 412 with the current state.
 */
export function expectedVersion(request: FastifyRequest): number {
  const header = request.headers["if-match"];
  if (!header) throw new ProblemError(428, "if-match-required", 'Send the ETag of what you edited in If-Match, e.g. If-Match: "3".');
  const ifMatch = parseIfMatch(header);
  switch (ifMatch.kind) {
    case "version":
      return ifMatch.version;
    case "weak":
      return WEAK_TAG;
    case "any":
      throw new ProblemError(428, "if-match-required", 'If-Match: * is not accepted: send the ETag of the version you edited, e.g. If-Match: "3".');
    case "malformed":
      throw new ProblemError(400, "invalid-request", `If-Match must be one ETag of this API: a version number in double quotes, e.g. "3" (at most ${MAX_VERSION}).`);
  }
}

export function requireAdministrator(request: FastifyRequest): void {
  if (!request.caller?.administrator) throw new ProblemError(403, "forbidden", "Only administrators may do this.");
}

function sendSetup(reply: FastifyReply, setup: SyncSetup): SyncSetup {
  reply.header("etag", etagOf(setup.version)).header("cache-control", "no-store");
  return setup;
}

export const setupRoutes: FastifyPluginAsync<SetupRouteOptions> = async (app, opts) => {
  /** The X3 user a request is about, once the caller may reach it. */
  async function target(request: FastifyRequest, { adminOnly = false } = {}): Promise<string> {
    const raw = (request.params as { userCode?: string }).userCode ?? "";
    const caller = request.caller!;
    const parsed = UserCodeSchema.safeParse(raw);
    const own = parsed.success && parsed.data === caller.user.code.toUpperCase();
    if (!caller.administrator && (!own || adminOnly)) {
      throw new ProblemError(403, "forbidden", adminOnly ? "Only administrators may do this." : "You can only see and change your own setup.");
    }
    if (!parsed.success) throw new ProblemError(400, "invalid-request", parsed.error.issues[0]?.message);
    if (!own) {
      const user = await opts.x3.getUser(parsed.data).catch(() => undefined);
      // undefined: X3 did not answer; what the store holds for that user is still worth showing.
      if (user === null) throw new ProblemError(404, "not-found", `X3 has no user ${parsed.data}.`);
    }
    return parsed.data;
  }

  app.get("/setups/:userCode", async (request, reply) => sendSetup(reply, await opts.setups.read(await target(request))));

  app.put("/setups/:userCode", async (request, reply) => {
    const userCode = await target(request);
    const expected = expectedVersion(request);
    const { flags } = SetupUpdateSchema.parse(request.body);
    return sendSetup(reply, await opts.setups.save(userCode, flags, expected, request.caller!.email));
  });

  app.get("/setups/:userCode/history", async (request, reply): Promise<HistoryPage> => {
    const userCode = await target(request);
    const { page, pageSize } = PageQuerySchema.parse(request.query);
    reply.header("cache-control", "no-store");
    return { ...(await opts.store.history(userCode, page, pageSize)), page, pageSize };
  });

  app.post("/setups/:userCode/restore", async (request, reply) => {
    const userCode = await target(request, { adminOnly: true });
    const expected = expectedVersion(request);
    const { version } = RestoreRequestSchema.parse(request.body);
    return sendSetup(reply, await opts.setups.restore(userCode, version, expected, request.caller!.email));
  });

  app.get("/setups/:userCode/prerequisites", async (request): Promise<Prerequisites> => opts.directory.prerequisites(await target(request)));

  app.get("/setups/:userCode/impact", async (request, reply): Promise<ImpactResponse> => {
    const userCode = await target(request);
    let rows;
    try {
      rows = await opts.x3.syncData(userCode);
    } catch (err) {
      if (isNotPublished(err)) throw new ProblemError(501, "x3-not-published", "X3 does not publish its pending changes (SYNCDATA) to this server.");
      throw new ProblemError(503, "x3-unavailable", "X3's pending changes (SYNCDATA) cannot be read right now.");
    }
    reply.header("cache-control", "no-store");
    return { userCode, pending: countPendingChanges(rows), at: new Date().toISOString() };
  });
};
