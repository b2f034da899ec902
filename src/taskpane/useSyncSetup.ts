/**
 * The pane's state: the setup it shows, the user's edits, and how saving goes.
 *
 * It renders at once from the cache (roaming settings), then refreshes from the server
 * (stale-while-revalidate). A save writes the change to the cache as pending before it is sent, so a
 * change the server did not acknowledge survives a closed pane or a lost network and is sent on the next
 * open. A 412 merges per flag against the version the user started from.
 *
 * Roaming settings may fail to save (9057: this add-in's 32 KB are full; 9019 after its retries). The
 * change then stays on screen and in memory as pending, is still sent to the server, the user is told,
 * and the cache is written again later (ROAMING_RETRY_MS) with whatever is latest then.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { changedFlags, type FlagCode, type Flags } from "../core/flags";
import { mergeFlags } from "../core/merge";
import { applyLocks } from "../core/locks";
import {
  inspectPaneCache,
  mustWrite,
  PANE_CACHE_KEY,
  PANE_CACHE_SCHEMA,
  type PaneCache,
  type PendingChange,
  type StoredPaneCache,
  stillToSend,
  storedForm,
} from "../core/paneCache";
import type { Prerequisites } from "../core/prerequisites";
import type { Me, SyncSetup } from "../core/setup";
import { type SettingsStore, SettingsSaveError } from "../office/settingsStore";
import { type ApiClient, ApiError } from "./api";

export type Notice =
  | { kind: "offline" }
  | { kind: "pendingRestored" }
  | { kind: "merged" }
  | { kind: "conflict"; flags: readonly FlagCode[] }
  | { kind: "problem"; code: string; detail: string | null }
  /** unsent: the value Outlook could not keep holds a change the server has not accepted yet. */
  | { kind: "roamingFailed"; tooLarge: boolean; message: string; unsent: boolean };

export interface SetupState {
  /** loading: nothing to show yet · cached: shown from the cache, server not heard yet · ready · failed. */
  readonly phase: "loading" | "cached" | "ready" | "failed";
  /** The signed-in user (own setup only; an administrator's pane for someone else has it from the caller). */
  readonly me: Me | null;
  /** What X3 checks before it synchronizes the user whose setup this is. */
  readonly prerequisites: Prerequisites | null;
  readonly userName: string | null;
  readonly userCode: string | null;
  /** The last version known from the server (or the cache); edits are measured against it. */
  readonly base: { readonly version: number; readonly flags: Flags } | null;
  readonly edits: Flags | null;
  readonly server: SyncSetup | null;
  readonly saving: boolean;
  readonly notices: readonly Notice[];
}

const POLL_MS = 3000;
const POLL_MAX = 40;
const RETRY_OFFLINE_MS = 30_000;
/** After a failed roaming save, the cache is written again after these waits (the last one repeats). */
export const ROAMING_RETRY_MS: readonly number[] = [5_000, 30_000, 120_000];

/** The server looked at the change and will not take it as it is. */
function isRefusal(err: unknown): boolean {
  return err instanceof ApiError && [400, 403, 404, 409, 413, 415].includes(err.status);
}

function asProblem(err: unknown): Notice {
  if (err instanceof ApiError) {
    if (err.offline) return { kind: "offline" };
    return { kind: "problem", code: err.code, detail: err.problem?.detail ?? null };
  }
  return { kind: "problem", code: "generic", detail: err instanceof Error ? err.message : null };
}

/**
 * Whose setup the pane edits: the signed-in user's own (null), kept in roaming settings; or, for an
 * administrator, another user's, which is never kept in the administrator's roaming settings.
 */
export interface SetupSubject {
  readonly code: string;
  readonly name: string;
}

export function useSyncSetup(api: ApiClient | null, settings: SettingsStore, subject: SetupSubject | null = null) {
  const own = subject === null;
  // What the key held at open; a later version's value is only written over when it must be (mustWrite).
  const stored = useMemo<StoredPaneCache>(() => (own ? inspectPaneCache(settings.get(PANE_CACHE_KEY)) : { state: "empty" }), [settings, own]);
  const initialCache = stored.state === "current" || stored.state === "newer" ? stored.cache : null;
  const storedRef = useRef(stored);
  const [state, setState] = useState<SetupState>(() => ({
    phase: initialCache ? "cached" : "loading",
    me: null,
    prerequisites: null,
    userName: subject?.name ?? initialCache?.userName ?? null,
    userCode: subject?.code ?? initialCache?.userCode ?? null,
    base: initialCache ? { version: initialCache.version, flags: initialCache.flags } : null,
    edits: initialCache ? (initialCache.pending?.flags ?? initialCache.flags) : null,
    server: null,
    saving: false,
    notices: [],
  }));
  const cache = useRef<PaneCache | null>(initialCache);
  const stateRef = useRef(state);
  stateRef.current = state;
  const pollCount = useRef(0);

  const addNotice = useCallback((n: Notice) => {
    setState((s) => ({ ...s, notices: [...s.notices.filter((x) => x.kind !== n.kind), n] }));
  }, []);
  const clearNotices = useCallback((...kinds: Notice["kind"][]) => {
    setState((s) => ({ ...s, notices: kinds.length ? s.notices.filter((n) => !kinds.includes(n.kind)) : [] }));
  }, []);

  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const retryCount = useRef(0);
  useEffect(
    () => () => {
      if (retryTimer.current) clearTimeout(retryTimer.current);
    },
    [],
  );

  /**
   * Writes the cache and persists it. On failure the user is told, the change stays on screen and in
   * `cache.current` (so it is still sent, and resent by the next load), and the write is tried again later
   * with the latest cache, never the failed value: an older value can never overwrite a newer one.
   */
  const persist = useCallback(
    async (next: PaneCache): Promise<void> => {
      cache.current = next;
      // Another user's setup is kept in memory only, never in the administrator's mailbox.
      if (!own || !mustWrite(storedRef.current, next)) return;
      const stopRetry = () => {
        if (retryTimer.current) clearTimeout(retryTimer.current);
        retryTimer.current = null;
      };
      stopRetry();
      try {
        settings.set(PANE_CACHE_KEY, storedForm(next));
        await settings.save();
        // Saved whole: an earlier failure's retry, set meanwhile, has nothing left to write.
        stopRetry();
        storedRef.current = { state: "current", cache: next };
        retryCount.current = 0;
        clearNotices("roamingFailed");
      } catch (err) {
        const e = err instanceof SettingsSaveError ? err : new SettingsSaveError("unknown", String(err));
        // What is set stays in Office's memory; the stored value is from before, or written by no one.
        storedRef.current = { state: "current", cache: next };
        addNotice({ kind: "roamingFailed", tooLarge: e.tooLarge, message: e.message, unsent: next.pending !== null });
        // A later call (a save, a load) may have set a retry already: one timer at a time.
        if (retryTimer.current) return;
        const delay = ROAMING_RETRY_MS[Math.min(retryCount.current, ROAMING_RETRY_MS.length - 1)]!;
        retryCount.current += 1;
        retryTimer.current = setTimeout(() => {
          retryTimer.current = null;
          if (cache.current) void persistRef.current(cache.current);
        }, delay);
      }
    },
    [settings, addNotice, clearNotices, own],
  );
  const persistRef = useRef(persist);
  persistRef.current = persist;

  const cacheFrom = useCallback(
    (setup: SyncSetup, userName: string, pending: PendingChange | null): PaneCache => ({
      schema: PANE_CACHE_SCHEMA,
      userCode: setup.userCode,
      userName,
      flags: setup.flags,
      version: setup.version,
      seenAt: new Date().toISOString(),
      pending,
    }),
    [],
  );

  const send = useCallback(
    async (pending: PendingChange, userName: string): Promise<void> => {
      if (!api) return;
      setState((s) => ({ ...s, saving: true }));
      // Kept before it is sent: if the pane closes or the network drops now, the next open sends it.
      if (cache.current) await persist({ ...cache.current, pending });
      try {
        const saved = await api.saveSetup(pending.userCode, pending.flags, pending.baseVersion);
        pollCount.current = 0;
        setState((s) => ({
          ...s,
          phase: "ready",
          saving: false,
          server: saved,
          base: { version: saved.version, flags: saved.flags },
          // Anything edited beyond what was sent (a change restored at open, edited meanwhile) stays.
          edits: s.edits ? mergeFlags(pending.flags, s.edits, saved.flags).merged : saved.flags,
          notices: s.notices.filter((n) => n.kind === "roamingFailed" || n.kind === "merged"),
        }));
        await persist(cacheFrom(saved, userName, null));
      } catch (err) {
        if (err instanceof ApiError && err.status === 412 && err.problem?.current) {
          const current = err.problem.current;
          const { merged, conflicts } = mergeFlags(pending.baseFlags, pending.flags, current.flags);
          setState((s) => ({
            ...s,
            saving: false,
            server: current,
            base: { version: current.version, flags: current.flags },
            // Edits made beyond the change that was sent (while it was restored at open) stay too.
            edits: s.edits ? mergeFlags(pending.flags, s.edits, merged).merged : merged,
          }));
          if (conflicts.length) {
            addNotice({ kind: "conflict", flags: conflicts });
            // The merged change is not sent yet, but it is kept: closing the pane must not lose it.
            await persist(
              cacheFrom(current, userName, { ...pending, flags: merged, baseVersion: current.version, baseFlags: current.flags }),
            );
          } else {
            // Nothing collides: the merged change goes out on top of the newer version.
            addNotice({ kind: "merged" });
            await send({ ...pending, flags: merged, baseVersion: current.version, baseFlags: current.flags }, userName);
          }
          return;
        }
        if (err instanceof ApiError && err.code === "flag-locked") {
          // Company policy changed under the user: take the new locks and put locked flags back.
          const fresh = await api.setup(pending.userCode).catch(() => null);
          if (fresh) {
            setState((s) => ({
              ...s,
              server: fresh,
              base: { version: fresh.version, flags: fresh.flags },
              edits: applyLocks(s.edits ?? pending.flags, fresh.locks),
            }));
          }
        }
        setState((s) => ({ ...s, saving: false }));
        addNotice(asProblem(err));
        // Only a definite refusal drops the pending change (it would be refused again); anything else —
        // no network, X3 or the server unavailable, sign-in interrupted — keeps it for the next open.
        if (isRefusal(err) && cache.current) await persist({ ...cache.current, pending: null });
      }
    },
    [api, persist, cacheFrom, addNotice],
  );

  const loading = useRef<Promise<void> | null>(null);
  const load = useCallback(async (): Promise<void> => {
    if (!api) return;
    // One at a time: the first open, Retry, the network returning and the offline timer may overlap, and two
    // loads would send a pending change twice.
    if (loading.current) return loading.current;
    const run = loadOnceRef.current().finally(() => {
      loading.current = null;
    });
    loading.current = run;
    return run;
  }, [api]);

  const loadOnce = async (): Promise<void> => {
    if (!api) return;
    try {
      let me: Me | null = null;
      let server: SyncSetup;
      let prerequisites: Prerequisites | null;
      if (subject) {
        // An administrator opening someone else's setup: that user's prerequisites.
        [server, prerequisites] = await Promise.all([api.setup(subject.code), api.prerequisites(subject.code).catch(() => null)]);
      } else {
        me = await api.me();
        server = await api.setup(me.user.code);
        prerequisites = me.prerequisites;
      }
      const userCode = server.userCode;
      const userName = subject?.name ?? me?.user.name ?? userCode;
      const cached = cache.current?.userCode === userCode ? cache.current : null;
      // A change the server already holds (its acknowledgement was not kept: the cache could not be
      // saved) is not sent again.
      const pending = cached?.pending && stillToSend(cached.pending, server) ? cached.pending : null;
      // An answer overtaken by a save made meanwhile is older than the screen: dropped (the save's answer
      // is what counts, and is already shown and kept).
      const now = stateRef.current;
      if (now.saving || (now.server && server.version < now.server.version)) return;
      setState((s) => {
        if (s.saving || (s.server && server.version < s.server.version)) return s;
        // Edits made while the server was being asked (the pane shows the cache at once, and stays usable
        // offline) are kept, merged per flag on top of what the server holds now.
        const edited = s.userCode === userCode && s.base && s.edits && changedFlags(s.base.flags, s.edits).length > 0;
        const edits = edited ? mergeFlags(s.base!.flags, s.edits!, server.flags).merged : (pending?.flags ?? server.flags);
        return {
          ...s,
          phase: "ready",
          me: me ?? s.me,
          prerequisites,
          userName,
          userCode,
          server,
          base: { version: server.version, flags: server.flags },
          edits,
          notices: s.notices.filter((n) => n.kind === "roamingFailed"),
        };
      });
      await persist(cacheFrom(server, userName, pending));
      if (pending) {
        addNotice({ kind: "pendingRestored" });
        await send(pending, userName);
      }
    } catch (err) {
      setState((s) => ({ ...s, phase: s.base ? "cached" : "failed" }));
      addNotice(asProblem(err));
    }
  };
  // load() stays the same function across renders (effects depend on it) and runs the latest loadOnce.
  const loadOnceRef = useRef(loadOnce);
  loadOnceRef.current = loadOnce;

  useEffect(() => {
    void load();
  }, [load]);

  // While the server has not heard back from X3, ask again now and then.
  const deliveryState = state.server?.delivery.state;
  useEffect(() => {
    if (!api || deliveryState !== "pending" || !state.userCode || pollCount.current >= POLL_MAX) return;
    const userCode = state.userCode;
    const timer = setTimeout(async () => {
      pollCount.current += 1;
      try {
        const fresh = await api.setup(userCode);
        setState((s) => (s.server && fresh.version === s.server.version ? { ...s, server: fresh } : s));
      } catch {
        // The next save or reopen will tell; polling is only a courtesy.
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [api, deliveryState, state.userCode, state.server]);

  // A change kept while the server was unreachable is sent when the network returns (load sends it).
  const offline = state.notices.some((n) => n.kind === "offline");
  useEffect(() => {
    if (!offline) return;
    const retry = () => {
      clearNotices("offline");
      void load();
    };
    window.addEventListener("online", retry);
    const timer = setInterval(retry, RETRY_OFFLINE_MS);
    return () => {
      window.removeEventListener("online", retry);
      clearInterval(timer);
    };
  }, [offline, load, clearNotices]);

  const dirtyFlags = useMemo(
    () => (state.base && state.edits ? changedFlags(state.base.flags, state.edits) : []),
    [state.base, state.edits],
  );

  /** Sets any number of flags at once (one switch, a row or column "all" toggle, a preset). */
  const setFlags = useCallback((changes: Partial<Flags>) => {
    setState((s) => (s.edits ? { ...s, edits: { ...s.edits, ...changes } } : s));
  }, []);

  /**
   * A quiet look at the server (a pinned pane when the selected item changes): the delivery status is
   * brought up to date; unsaved edits are never touched, and a newer version is taken only when there are
   * none (otherwise the next save merges it per flag).
   */
  const refresh = useCallback(async () => {
    const s = stateRef.current;
    if (!api || !s.userCode || s.saving || s.phase !== "ready") return;
    const fresh = await api.setup(s.userCode).catch(() => null);
    if (!fresh) return;
    setState((cur) => {
      if (cur.saving || cur.userCode !== fresh.userCode) return cur;
      // An answer overtaken by a save (or another refresh) is older than what is shown: dropped.
      if (cur.server && fresh.version < cur.server.version) return cur;
      if (cur.server && fresh.version === cur.server.version) return { ...cur, server: fresh };
      const dirty = cur.base && cur.edits ? changedFlags(cur.base.flags, cur.edits).length > 0 : false;
      // Unsaved edits stay on their base (the next save merges them per flag); the status and the history
      // speak of the newer version.
      if (dirty) return { ...cur, server: fresh };
      return { ...cur, server: fresh, base: { version: fresh.version, flags: fresh.flags }, edits: fresh.flags };
    });
  }, [api]);

  /** The setup as restored or otherwise replaced on the server (history restore): shown as saved. */
  const replaceWith = useCallback(
    (setup: SyncSetup) => {
      pollCount.current = 0;
      setState((s) => ({ ...s, server: setup, base: { version: setup.version, flags: setup.flags }, edits: setup.flags }));
      if (cache.current) void persist(cacheFrom(setup, cache.current.userName, null));
    },
    [persist, cacheFrom],
  );

  const save = useCallback(async () => {
    const s = stateRef.current;
    if (!s.base || !s.edits || !s.userCode || s.saving) return;
    clearNotices("conflict", "merged", "problem", "offline", "pendingRestored");
    await send(
      { userCode: s.userCode, flags: s.edits, baseVersion: s.base.version, baseFlags: s.base.flags, since: new Date().toISOString() },
      s.userName ?? s.userCode,
    );
  }, [send, clearNotices]);

  const discard = useCallback(async () => {
    setState((s) => (s.base ? { ...s, edits: s.base.flags } : s));
    clearNotices("conflict", "merged", "problem", "pendingRestored");
    if (cache.current?.pending) await persist({ ...cache.current, pending: null });
  }, [persist, clearNotices]);

  return { state, dirtyFlags, setFlags, save, discard, reload: load, refresh, replaceWith };
}
