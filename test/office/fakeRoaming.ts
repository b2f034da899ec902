/**
 * Office.RoamingSettings as documented, for the adapter and pane tests: set/get work on an in-memory copy
 * (kept as JSON), saveAsync persists the copy whole, fails with 9057 when it would exceed 32 KB, and fails
 * with the codes queued in `failures` (9019: an internal error) first.
 */
import { Buffer } from "node:buffer";

type Result = { status: string; error?: { code: number; message: string } };

export const ROAMING_LIMIT_BYTES = 32 * 1024;

export class FakeRoamingSettings {
  readonly memory: Record<string, unknown>;
  persisted: Record<string, unknown>;
  /** Codes the next saves fail with, in order. */
  failures: number[] = [];
  /** When each saveAsync was called (Date.now()). */
  readonly attempts: number[] = [];
  /** The largest settings (all keys, as JSON) a save persisted, in bytes. */
  largestSaved = 0;

  constructor(initial: Record<string, unknown> = {}) {
    this.persisted = copy(initial);
    this.memory = copy(initial);
  }
  get(name: string): unknown {
    return this.memory[name];
  }
  set(name: string, value: unknown): void {
    this.memory[name] = copy(value);
  }
  remove(name: string): void {
    delete this.memory[name];
  }
  saveAsync(callback: (r: Result) => void): void {
    this.attempts.push(Date.now());
    const json = JSON.stringify(this.memory);
    const size = Buffer.byteLength(json, "utf8");
    const code = this.failures.shift() ?? (size > ROAMING_LIMIT_BYTES ? 9057 : undefined);
    setTimeout(() => {
      if (code !== undefined) return callback({ status: "failed", error: { code, message: code === 9057 ? "Settings too large" : "Internal error" } });
      this.persisted = JSON.parse(json) as Record<string, unknown>;
      this.largestSaved = Math.max(this.largestSaved, size);
      callback({ status: "succeeded" });
    }, 1);
  }
  asOffice(): Office.RoamingSettings {
    return this as unknown as Office.RoamingSettings;
  }
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
