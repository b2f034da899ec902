/**
 * The roaming settings adapter against a stand-in for Office.RoamingSettings that behaves as documented:
 * set/get work on an in-memory copy, saveAsync persists it whole, fails with 9057 past 32 KB, and may fail
 * with 9019 (an internal error) now and then.
 */
import { LocalSettingsStore, ROAMING_RETRY_DELAYS_MS, RoamingSettingsStore, SettingsSaveError } from "../../src/office/settingsStore";
import { FakeRoamingSettings } from "./fakeRoaming";

const storeOver = (fake: FakeRoamingSettings, delays?: readonly number[]) => new RoamingSettingsStore(fake.asOffice(), delays);

describe("roaming settings", () => {
  afterEach(() => jest.useRealTimers());

  it("retries a transient 9019 with growing waits, then succeeds", async () => {
    jest.useFakeTimers();
    const fake = new FakeRoamingSettings();
    fake.failures = [9019, 9019, 9019];
    const store = storeOver(fake);
    store.set("k", { a: 1 });
    const saved = store.save();
    await jest.advanceTimersByTimeAsync(10_000);
    await expect(saved).resolves.toBeUndefined();
    expect(fake.persisted).toEqual({ k: { a: 1 } });
    expect(fake.attempts).toHaveLength(4);
    const waits = fake.attempts.slice(1).map((t, i) => t - fake.attempts[i]!);
    // Each wait is the configured delay (plus the 1 ms the fake takes to answer), each longer than the last.
    expect(waits).toEqual(ROAMING_RETRY_DELAYS_MS.map((d) => d + 1));
  });

  it("gives up on a 9019 that stays, after a bounded number of tries, and says so", async () => {
    jest.useFakeTimers();
    const fake = new FakeRoamingSettings();
    fake.failures = Array(10).fill(9019);
    const store = storeOver(fake);
    store.set("k", 1);
    const saved = store.save();
    const outcome = expect(saved).rejects.toMatchObject({ code: 9019, transient: true, tooLarge: false });
    await jest.advanceTimersByTimeAsync(60_000);
    await outcome;
    expect(fake.attempts).toHaveLength(ROAMING_RETRY_DELAYS_MS.length + 1);
  });

  it("does not retry 9057 (too large): trying again cannot help", async () => {
    const fake = new FakeRoamingSettings({ other: "x".repeat(32 * 1024) });
    const store = storeOver(fake, [1, 1]);
    store.set("k", 1);
    await expect(store.save()).rejects.toMatchObject({ code: 9057, tooLarge: true, transient: false });
    expect(fake.attempts).toHaveLength(1);
  });

  it("keeps a value set before a failed save, so the next successful save writes it", async () => {
    const fake = new FakeRoamingSettings();
    const store = storeOver(fake, []);
    fake.failures = [9019];
    store.set("k", "first");
    await expect(store.save()).rejects.toBeInstanceOf(SettingsSaveError);
    expect(store.get("k")).toBe("first");
    store.set("other", 2);
    await store.save();
    expect(fake.persisted).toEqual({ k: "first", other: 2 });
  });

  it("runs one saveAsync at a time, in order, each writing what was set last", async () => {
    const fake = new FakeRoamingSettings();
    let running = 0;
    let most = 0;
    const save = fake.saveAsync.bind(fake);
    fake.saveAsync = (cb) => {
      most = Math.max(most, ++running);
      save((r) => {
        running -= 1;
        cb(r);
      });
    };
    const store = storeOver(fake, []);
    const saves = [1, 2, 3, 4, 5].map((n) => {
      store.set("k", n);
      return store.save();
    });
    await Promise.all(saves);
    expect(most).toBe(1);
    expect(fake.persisted).toEqual({ k: 5 });
  });

  it("turns a saveAsync that throws into a rejected save", async () => {
    const fake = new FakeRoamingSettings();
    fake.saveAsync = () => {
      throw new Error("Office is not ready");
    };
    await expect(storeOver(fake, []).save()).rejects.toMatchObject({ code: "unknown", message: "Office is not ready" });
  });
});

describe("localStorage in the browser preview", () => {
  it("keeps what was set when the quota is exceeded, and writes it on the next save", async () => {
    const data = new Map<string, string>();
    let full = true;
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (full) throw new DOMException("quota", "QuotaExceededError");
        data.set(k, v);
      },
      removeItem: (k: string) => void data.delete(k),
    } as unknown as Storage;
    const store = new LocalSettingsStore(storage, "p:");
    store.set("k", { a: 1 });
    await expect(store.save()).rejects.toMatchObject({ code: "storage" });
    expect(store.get("k")).toEqual({ a: 1 });
    full = false;
    await store.save();
    expect(JSON.parse(data.get("p:k")!)).toEqual({ a: 1 });
  });
});
