#!/usr/bin/env node
// `pnpm start`: build if needed, write the tiny model if missing, start one neuron serving it and a cortex
// in front of it, print a curl line that works. Ctrl-C stops both cleanly.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modelPath = join(root, ".helexa", "models", "tiny.gguf");
const children = [];
let stopping = false;

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`helexa: \`${command} ${args.join(" ")}\` failed`);
    process.exit(result.status ?? 1);
  }
}

function missing(path, what) {
  if (existsSync(join(root, path))) return false;
  console.error(`helexa: ${what} is missing (${path}); the build did not produce it.`);
  return true;
}

/** Starts a program, prefixes its output, and resolves with the first `"event":"listening"` log line. */
function startService(name, args) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let ready = false;
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      process.stdout.write(`[${name}] ${line}\n`);
      if (!ready && line.includes('"event":"listening"')) {
        ready = true;
        resolve(JSON.parse(line));
      }
    });
    createInterface({ input: child.stderr }).on("line", (line) =>
      process.stderr.write(`[${name}] ${line}\n`),
    );
    child.on("exit", (code, signal) => {
      if (!ready) reject(new Error(`${name} exited before listening (code ${code}, signal ${signal})`));
      else if (!stopping) {
        console.error(`helexa: ${name} exited unexpectedly (code ${code}, signal ${signal}); stopping.`);
        void stop(1);
      }
    });
  });
}

async function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  const exits = children
    .filter((child) => child.exitCode === null && child.signalCode === null)
    .map((child) => new Promise((resolve) => child.once("exit", resolve)));
  for (const child of [...children].reverse()) child.kill("SIGTERM");
  const forceKill = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
  }, 40_000);
  await Promise.all(exits);
  clearTimeout(forceKill);
  process.exit(exitCode);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

run("pnpm", ["--silent", "build"]);
if (missing("apps/neuron/dist/cli.js", "the neuron") || missing("apps/gateway/dist/cli.js", "cortex"))
  process.exit(1);
if (!existsSync(modelPath)) run(process.execPath, ["packages/tiny-model/dist/cli.js", "--out", modelPath]);

try {
  await startService("neuron", ["apps/neuron/dist/cli.js", "serve", "--config", "examples/tiny/neuron.toml"]);
  const cortex = await startService("cortex", [
    "apps/gateway/dist/cli.js",
    "serve",
    "--config",
    "examples/tiny/cortex.toml",
  ]);
  const url = cortex.url ?? "http://127.0.0.1:31313";
  console.log(`
helexa is up: cortex ${url} (metrics ${cortex.metrics_url ?? "http://127.0.0.1:31314"}) -> neuron http://127.0.0.1:13131 serving "tiny" on CPU.
Try:
  curl -s ${url}/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"tiny","messages":[{"role":"user","content":"Hello"}],"max_tokens":16}'
Ctrl-C stops both.
`);
} catch (error) {
  console.error(`helexa: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
