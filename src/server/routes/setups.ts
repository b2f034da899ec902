/**
 * A user's synchronization setup: read with its version as ETag, written with If-Match. A user reaches
 * only their own; an administrator any. A refusal never tells whether another user exists.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { etagOf, SetupUpdateSchema, UserCodeSchema, versionFromEtag } from "../../core/setup";
import { ProblemError } from "../problems";
import type { SetupService } from "../setupService";
import type { X3Port } from "../x3Port";

export const setupRoutes: FastifyPluginAsync<{ setups: SetupService; x3: X3Port }> = async (app, opts) => {
  async function target(request: FastifyRequest): Promise<string> {
    const raw = (request.params as { userCode?: string }).userCode ?? "";
    const caller = request.caller!;
    const parsed = UserCodeSchema.safeParse(raw);
    const own = parsed.success && parsed.data === caller.user.code.toUpperCase();
    if (!caller.administrator && !own) throw new ProblemError(403, "forbidden", "You can only see and change your own setup.");
    if (!parsed.success) throw new ProblemError(400, "invalid-request", parsed.error.issues[0]?.message);
    if (!own) {
      const user = await opts.x3.getUser(parsed.data).catch(() => undefined);
      // undefined: X3 did not answer; the stored setup, if any, is still worth showing.
      if (user === null) throw new ProblemError(404, "not-found", `X3 has no user ${parsed.data}.`);
    }
    return parsed.data;
  }

  app.get("/setups/:userCode", async (request, reply) => {
    const setup = await opts.setups.read(await target(request));
    reply.header("etag", etagOf(setup.version)).header("cache-control", "no-store");
    return setup;
  });

  app.put("/setups/:userCode", async (request, reply) => {
    const userCode = await target(request);
    const ifMatch = request.headers["if-match"];
    if (!ifMatch) {
      throw new ProblemError(428, "if-match-required", "Send the ETag of the setup you edited in If-Match.");
    }
    const { flags } = SetupUpdateSchema.parse(request.body);
    const expected = versionFromEtag(ifMatch);
    const setup = await opts.setups.save(userCode, flags, expected ?? -1, request.caller!.email);
    reply.header("etag", etagOf(setup.version)).header("cache-control", "no-store");
    return setup;
  });
};
