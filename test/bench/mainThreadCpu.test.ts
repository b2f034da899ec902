import { mainThreadCpu, type TraceEvent } from "../../bench/paneTiming";

/** A trace shaped as Chromium 156 writes one: the tab's initial empty document and the page, in two renderers. */
function trace({ emptyFirst }: { emptyFirst: boolean }): TraceEvent[] {
  const thread = (pid: number, name: string): TraceEvent => ({ name: "thread_name", ph: "M", pid, tid: pid, ts: 0, args: { name } });
  const navigation = (pid: number, ts: number, url: string): TraceEvent => ({
    name: "navigationStart",
    ph: "R",
    pid,
    tid: pid,
    ts,
    args: { data: { documentLoaderURL: url } },
  });
  const task = (pid: number, ts: number, dur: number, tdur: number): TraceEvent => ({ name: "ThreadControllerImpl::RunTask", ph: "X", pid, tid: pid, ts, dur, tdur });
  const empty = navigation(20, 1_000, "");
  const page = navigation(10, 2_000, "https://localhost:4443/taskpane.html");
  return [
    thread(10, "CrRendererMain"),
    thread(20, "CrRendererMain"),
    thread(30, "CrBrowserMain"),
    ...(emptyFirst ? [empty, page] : [page, empty]),
    task(20, 1_500, 9_000, 8_000), // the empty document's renderer: not the page's
    task(30, 2_500, 9_000, 8_000), // the browser process
    task(10, 1_900, 1_000, 1_000), // before the page's navigation
    task(10, 3_000, 10_000, 4_000),
    { name: "FunctionCall", ph: "X", pid: 10, tid: 10, ts: 3_100, dur: 9_000, tdur: 3_000, args: { data: { url: "https://localhost:4443/react.0123456789abcdef.js" } } },
    task(10, 20_000, 5_000, 2_000),
    task(10, 40_000, 5_000, 2_000), // after usable
  ];
}

describe("the load bench's main-thread CPU", () => {
  it.each([true, false])("sums the page's renderer tasks from its navigation to usable (empty document first: %s)", (emptyFirst) => {
    expect(mainThreadCpu(trace({ emptyFirst }), 30)).toEqual({ cpu: 6, wall: 15, render: 3 });
  });

  it("refuses a trace without the page's navigation", () => {
    const events = trace({ emptyFirst: true }).filter((e) => !(e.name === "navigationStart" && e.args?.data?.documentLoaderURL));
    expect(() => mainThreadCpu(events, 30)).toThrow(/no navigation start of the page/);
  });
});
