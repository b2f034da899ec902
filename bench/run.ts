/**
 * `npm run bench [-- part…]`: runs every part (or the named ones) one after the other on this machine,
 * prints the table and writes bench/results/bench-<time>.json. Exits 1 when a budget is missed.
 */
import { join } from "node:path";
import { type BenchPart, formatTable, machine, ROOT, type Section, writeResults } from "./lib";

const PARTS: Record<string, () => Promise<BenchPart>> = {
  // Each part lives in its own module and is loaded only when it runs.
  weight: () => import("./paneWeight").then((m) => m.part),
  load: () => import("./paneTiming").then((m) => m.part),
  server: () => import("./server").then((m) => m.part),
  save: () => import("./saveLatency").then((m) => m.part),
  outbox: () => import("./outbox").then((m) => m.part),
  x3: () => import("./x3Delivery").then((m) => m.part),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = wanted.filter((w) => !(w in PARTS));
  if (unknown.length) {
    console.error(`unknown part(s): ${unknown.join(", ")}; parts: ${Object.keys(PARTS).join(", ")}`);
    process.exit(2);
  }
  const ids = wanted.length ? wanted : Object.keys(PARTS);
  const startedAt = new Date();
  const m = machine();
  console.log(`npm run bench — ${startedAt.toISOString()} — ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}`);
  const sections: Section[] = [];
  for (const id of ids) {
    const part = await PARTS[id]!();
    process.stdout.write(`running ${id}…\n`);
    sections.push(await part.run());
  }
  console.log(formatTable(sections));
  const file = writeResults(join(ROOT, "bench", "results"), sections, startedAt);
  console.log(`\nresults: ${file}`);
  const missed = sections.flatMap((s) => s.rows.filter((r) => r.budget && !r.budget.pass));
  if (missed.length) {
    console.log(`${missed.length} budget(s) missed`);
    process.exitCode = 1;
  } else console.log("every budget met");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
