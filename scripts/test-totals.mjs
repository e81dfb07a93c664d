// Sums every package's vitest JSON report into the one line CI reads: "N passed, N failed".
// Every workspace package whose package.json has a `test` script must have left a report: one that is
// missing (its tests never ran, or the run was cut short) counts as a failure and is named, so a run
// that stops half-way can never read as green. `--since=<epoch ms>` also treats reports written before
// that moment (left from an earlier run) as missing. `--include=<script>` also expects a report from the
// packages with that script (`--include=test:faults` after `pnpm test:faults`, as .ci/run does).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const sinceArgument = process.argv.find((argument) => argument.startsWith("--since="));
const since = sinceArgument === undefined ? 0 : Number(sinceArgument.slice("--since=".length));
const testScripts = [
  "test",
  ...process.argv
    .filter((argument) => argument.startsWith("--include="))
    .map((argument) => argument.slice("--include=".length)),
];

/** Workspace package folders from pnpm-workspace.yaml (`dir/*` and plain `dir` entries). */
function workspacePackages() {
  const text = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const patterns = [...text.matchAll(/^\s*-\s*["']?([^"'\s]+)["']?\s*$/gm)].map((match) => match[1]);
  return patterns.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return [pattern];
    const parent = pattern.slice(0, -2);
    const folder = join(root, parent);
    if (!existsSync(folder)) return [];
    return readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name));
  });
}

function hasTests(dir) {
  const file = join(root, dir, "package.json");
  if (!existsSync(file)) return false;
  const scripts = JSON.parse(readFileSync(file, "utf8")).scripts ?? {};
  return testScripts.some((name) => typeof scripts[name] === "string");
}

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of workspacePackages().filter(hasTests)) {
  const file = join(root, dir, ".test-results", "vitest.json");
  const report = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  if (report === undefined || (report.startTime ?? 0) < since) {
    missing.push(dir);
    continue;
  }
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A run cut short (a crash, a timeout of the whole run) can write a report that says so.
  if (report.success === false && (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) === 0)
    failed += 1;
}
for (const dir of missing) console.log(`${dir}: no test report (its tests did not run or did not finish)`);
failed += missing.length;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
