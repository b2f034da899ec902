import { mainThreadCpu, NoUsableMark, type TraceEvent, USABLE_MARK, withUsableMark } from "../../bench/paneTiming";

/**
 * A trace shaped as Chromium 156 writes one: the tab's initial empty document and the page, in two renderers;
 * the page's renderer sometimes without a navigationStart of its own. Navigation start is at 2 ms, usable at 32 ms.
 */
function trace({ pageNavigationStart }: { pageNavigationStart: boolean }): TraceEvent[] {
  const thread = (pid: number, name: string): TraceEvent => ({ name: "thread_name", ph: "M", pid, tid: pid, ts: 0, args: { name } });
  const task = (pid: number, ts: number, dur: number, tdur: number): TraceEvent => ({ name: "ThreadControllerImpl::RunTask", ph: "X", pid, tid: pid, ts, dur, tdur });
  return [
    thread(10, "CrRendererMain"),
    thread(20, "CrRendererMain"),
    thread(30, "CrBrowserMain"),
    { name: "navigationStart", ph: "R", pid: 20, tid: 20, ts: 1_000, args: { data: { url: "" } } },
    ...(pageNavigationStart ? [{ name: "navigationStart", ph: "R", pid: 10, tid: 10, ts: 2_000 }] : []),
    task(20, 2_500, 9_000, 8_000), // the empty document's renderer: not the page's
    task(30, 2_500, 9_000, 8_000), // the browser process
    task(10, 1_900, 1_000, 1_000), // before navigation start
    task(10, 3_000, 10_000, 4_000),
    { name: "FunctionCall", ph: "X", pid: 10, tid: 10, ts: 3_100, dur: 9_000, tdur: 3_000, args: { data: { url: "https://localhost:4443/react.0123456789abcdef.js" } } },
    task(10, 20_000, 5_000, 2_000),
    { name: USABLE_MARK, ph: "R", pid: 10, tid: 10, ts: 32_000 },
    task(10, 40_000, 5_000, 2_000), // after usable
  ];
}

describe("the load bench's main-thread CPU", () => {
  it.each([true, false])("sums the page's renderer tasks from navigation start to the usable mark (page's navigationStart written: %s)", (pageNavigationStart) => {
    expect(mainThreadCpu(trace({ pageNavigationStart }), 30)).toEqual({ cpu: 6, wall: 15, render: 3 });
  });

  it("refuses a trace without the usable mark", () => {
    const events = trace({ pageNavigationStart: true }).filter((e) => e.name !== USABLE_MARK);
    expect(() => mainThreadCpu(events, 30)).toThrow(NoUsableMark);
    expect(() => mainThreadCpu(events, 30)).toThrow(/no bench-usable mark/);
  });

  it("loads again when a trace came without the mark, at most the attempts given, and passes any other failure on at once", async () => {
    const outcomes = (...results: (number | Error)[]) => {
      let calls = 0;
      const load = async () => {
        const result = results[calls++]!;
        if (result instanceof Error) throw result;
        return result;
      };
      return { load, calls: () => calls };
    };
    let missing = 0;
    const twice = outcomes(new NoUsableMark(), new NoUsableMark(), 7);
    await expect(withUsableMark(3, twice.load, () => (missing += 1))).resolves.toBe(7);
    expect([twice.calls(), missing]).toEqual([3, 2]);

    const always = outcomes(new NoUsableMark(), new NoUsableMark(), new NoUsableMark(), 7);
    await expect(withUsableMark(3, always.load, () => undefined)).rejects.toThrow(NoUsableMark);
    expect(always.calls()).toBe(3);

    const other = outcomes(new Error("the pane was not usable within 30 s"), 7);
    await expect(withUsableMark(3, other.load, () => undefined)).rejects.toThrow(/not usable/);
    expect(other.calls()).toBe(1);
  });
});
