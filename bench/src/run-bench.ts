// `pnpm bench`: runs the benchmark groups, prints the table, writes bench/results/<name>.json.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchGroups } from "./bench-groups.js";
import { formatResultsTable } from "./format-results-table.js";
import { benchUsage, parseBenchArgs } from "./parse-bench-args.js";
import { runSuite } from "./run-suite.js";
import { updateBenchmarksDoc } from "./update-benchmarks-doc.js";
import { writeResults } from "./write-results.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const parsed = parseBenchArgs(
  process.argv.slice(2),
  benchGroups.map((group) => group.name),
);
if (!parsed.ok) {
  console.error(`bench: ${parsed.message}\n${benchUsage}`);
  process.exit(2);
}
if (parsed.args.help) {
  console.log(benchUsage);
  process.exit(0);
}
const { args } = parsed;
const groups =
  args.only.length === 0 ? benchGroups : benchGroups.filter((group) => args.only.includes(group.name));
const results = await runSuite({
  name: args.name,
  quick: args.quick,
  rounds: args.rounds,
  groups,
  root,
  log: (text) => console.error(text),
});
const table = formatResultsTable(results);
console.log(table);
const path = await writeResults(
  args.out === null ? join(root, "bench", "results") : resolve(args.out),
  results,
);
console.log(`\nwrote ${path}`);
if (args.writeDoc) {
  await updateBenchmarksDoc(join(root, "BENCHMARKS.md"), table);
  console.log("updated BENCHMARKS.md");
}
const failed = results.groups.filter((group) => group.notes.some((note) => note.startsWith("FAILED")));
process.exitCode = failed.length > 0 ? 1 : 0;
