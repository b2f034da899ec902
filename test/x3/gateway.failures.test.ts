import { createServer } from "node:net";
import type { RunningX3Emulator } from "../../src/x3/emulator";
import { X3Error } from "../../src/x3/errors";
import type { X3Gateway } from "../../src/x3/gateway";
import { callEmulator, emulatorSuite, failure, testGateway, type TestFolder } from "./fixture";

let folder: TestFolder;
let emulator: RunningX3Emulator;
let gateway: X3Gateway;

emulatorSuite((suite) => ({ folder, emulator, gateway } = suite));


async function fault(body: Record<string, unknown>): Promise<void> {
  const res = await callEmulator(emulator, folder, "POST", "/__emulator/faults", { body });
  expect(res.status).toBe(200);
}

function x3Error(error: unknown): X3Error {
  expect(error).toBeInstanceOf(X3Error);
  return error as X3Error;
}

const gets = () => emulator.app.x3Emulator.requests.byMethod.GET ?? 0;

test("$diagnoses with severity error under HTTP 200 is a typed, permanent error carrying X3's message", async () => {
  await fault({ kind: "diagnoses", count: 1, message: "Record locked by user JDOE" });
  const error = x3Error(await failure(gateway.readSyncpar("LDUPONT")));
  expect(error.kind).toBe("diagnoses");
  expect(error.status).toBe(200);
  expect(error.transient).toBe(false);
  expect(error.messages).toEqual(["Record locked by user JDOE"]);
  expect(error.message).toContain("Record locked by user JDOE");
  // count 1: the next call is served normally.
  expect(await gateway.readSyncpar("LDUPONT")).not.toBeNull();
});

test("wrong credentials: auth error, not transient, and the password appears nowhere", async () => {
  const wrong = testGateway(emulator.url, folder, { auth: { kind: "basic", user: "admin", password: "s3cret-Pa55" } });
  try {
    const error = x3Error(await failure(wrong.readSyncpar("LDUPONT")));
    expect(error.kind).toBe("auth");
    expect(error.status).toBe(401);
    expect(error.transient).toBe(false);
    expect(JSON.stringify({ message: error.message, stack: error.stack, messages: error.messages })).not.toContain("s3cret-Pa55");
  } finally {
    await wrong.close();
  }
});

test("503 is transient 'unavailable'", async () => {
  await fault({ kind: "unavailable", count: 1 });
  const error = x3Error(await failure(gateway.getUser("JSMITH")));
  expect(error.kind).toBe("unavailable");
  expect(error.status).toBe(503);
  expect(error.transient).toBe(true);
});

test("a reset connection is transient 'unavailable'", async () => {
  await fault({ kind: "reset", count: 1 });
  const error = x3Error(await failure(gateway.getUser("JSMITH")));
  expect(error.kind).toBe("unavailable");
  expect(error.status).toBeUndefined();
  expect(error.transient).toBe(true);
});

test("an answer slower than responseTimeoutMs is a transient 'timeout', and the call does not wait for it", async () => {
  const impatient = testGateway(emulator.url, folder, { responseTimeoutMs: 200 });
  try {
    await fault({ kind: "latency", ms: 5000, count: 1 });
    const started = Date.now();
    const error = x3Error(await failure(impatient.getUser("JSMITH")));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.kind).toBe("timeout");
    expect(error.transient).toBe(true);
  } finally {
    await impatient.close();
  }
});

test("latency within the timeout is only slower", async () => {
  await fault({ kind: "latency", ms: 150, count: 1 });
  const started = Date.now();
  expect((await gateway.getUser("JSMITH"))?.code).toBe("JSMITH");
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
});

test("nothing listening is transient 'unavailable'", async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const nowhere = testGateway(`https://127.0.0.1:${port}`, folder);
  try {
    const error = x3Error(await failure(nowhere.getUser("JSMITH")));
    expect(error.kind).toBe("unavailable");
    expect(error.transient).toBe(true);
  } finally {
    await nowhere.close();
  }
});

test("a certificate we do not trust is a permanent 'tls' error", async () => {
  const untrusting = testGateway(emulator.url, folder, { ca: undefined });
  try {
    const error = x3Error(await failure(untrusting.getUser("JSMITH")));
    expect(error.kind).toBe("tls");
    expect(error.transient).toBe(false);
  } finally {
    await untrusting.close();
  }
});

test("reads are retried on transient failures; the fault counts down and then X3 answers", async () => {
  const patient = testGateway(emulator.url, folder, { retries: 2 });
  try {
    await fault({ kind: "unavailable", count: 2 });
    const before = gets();
    expect((await patient.getUser("MCLARK"))?.name).toBe("Mary Clark");
    expect(gets() - before).toBe(3);
    expect(emulator.app.x3Emulator.faults.current().fault).toBeNull();
  } finally {
    await patient.close();
  }
});

test("retries are bounded: a fault until cleared fails after 1 + retries attempts", async () => {
  const patient = testGateway(emulator.url, folder, { retries: 2 });
  try {
    await fault({ kind: "unavailable", count: null });
    const before = gets();
    const error = x3Error(await failure(patient.getUser("MCLARK")));
    expect(error.kind).toBe("unavailable");
    expect(gets() - before).toBe(3);
    expect(emulator.app.x3Emulator.faults.current().fault?.kind).toBe("unavailable");
  } finally {
    await patient.close();
  }
});

test("permanent failures are not retried", async () => {
  const patient = testGateway(emulator.url, folder, { retries: 2 });
  try {
    await fault({ kind: "diagnoses", count: null, message: "No rights" });
    const before = gets();
    await failure(patient.getUser("MCLARK"));
    expect(gets() - before).toBe(1);
  } finally {
    await patient.close();
  }
});

test("an unknown key reads as null, but a wrong endpoint is an error, not 'no row'", async () => {
  expect(await gateway.getUser("NOBODY")).toBeNull();
  expect(await gateway.readSyncpar("NOBODY")).toBeNull();

  const misconfigured = testGateway(emulator.url, folder, { endpoint: "PROD" });
  try {
    const error = x3Error(await failure(misconfigured.readSyncpar("JSMITH")));
    expect(error.kind).toBe("notFound");
    expect(error.messages.join()).toMatch(/Endpoint PROD/);
    await expect(misconfigured.checkConnection()).rejects.toMatchObject({ kind: "notFound" });
  } finally {
    await misconfigured.close();
  }
  await expect(gateway.checkConnection()).resolves.toBeUndefined();
});

test("a wrong class name is an error too", async () => {
  const misnamed = testGateway(emulator.url, folder, { classes: { SYNCPAR: { className: "ZSYNCPAR" } } });
  try {
    const error = x3Error(await failure(misnamed.readSyncpar("JSMITH")));
    expect(error.kind).toBe("notFound");
    expect(error.messages.join()).toMatch(/ZSYNCPAR/);
  } finally {
    await misnamed.close();
  }
});
