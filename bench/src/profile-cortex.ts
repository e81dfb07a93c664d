// `pnpm --filter @helexa/bench profile:cortex [-- --connections 16 --seconds 5]`: cortex in front of the
// stub under autocannon with `node --cpu-prof`; prints where cortex spends its time.
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { measureLoad } from "./internal/measure-load.js";
import { startCortex } from "./internal/start-cortex.js";
import { startStub } from "./internal/start-stub.js";
import { summarizeCpuProfile } from "./internal/summarize-cpu-profile.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { connections: { type: "string", default: "16" }, seconds: { type: "string", default: "5" } },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const folder = await mkdtemp(join(tmpdir(), "helexa-cortex-profile-"));
const stub = await startStub(root, { chunks: 1, gapMs: 0 });
const cortex = await startCortex(root, folder, stub.baseUrl, {
  nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${folder}`],
});
try {
  await measureLoad(cortex, connections, 1);
  const load = await measureLoad(cortex, connections, seconds);
  console.log(
    `cortex at ${connections} connections: ${load.requestsPerSecond.toFixed(0)} req/s, ` +
      `p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms`,
  );
} finally {
  await cortex.stop();
  await stub.stop();
}
const profile = (await readdir(folder)).find((name) => name.endsWith(".cpuprofile"));
if (profile === undefined) throw new Error(`cortex wrote no profile into ${folder} (did it exit cleanly?)`);
const summary = await summarizeCpuProfile(join(folder, profile), root);
const percent = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
console.log("\nself time by package:");
for (const spot of summary.packages.slice(0, 15)) console.log(`${percent(spot.share)}  ${spot.location}`);
console.log("\nself time by function:");
for (const spot of summary.functions.slice(0, 40)) console.log(`${percent(spot.share)}  ${spot.location}`);
console.log(`\nprofile: ${join(folder, profile)} (open in Chrome DevTools → Performance)`);
