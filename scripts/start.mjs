#!/usr/bin/env node
// `pnpm start`: build if needed, write the tiny model if missing or stale, start one neuron serving it and a cortex
// in front of it, print a curl line that works. Ctrl-C or SIGTERM stops both cleanly: each child runs in
// its own process group (so the neuron's model workers go with it) and gets the signal from here; what
// is left of a group once its leader has exited is killed, and a second signal kills everything at once.
// NEURON_* / CORTEX_* variables reach the children (tests move the ports with them);
// `--no-build` skips the build.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modelPath = join(root, ".helexa", "models", "tiny.gguf");
const children = [];
let stopping = false;

/**
 * Builds only what `pnpm start` runs (the two apps, the tiny-model writer and what they import), quietly:
 * turbo's output is shown only when the build fails, and a first build says it may take a while.
 */
function build() {
  const outputs = [
    "apps/neuron/dist/cli.js",
    "apps/gateway/dist/cli.js",
    "packages/tiny-model/dist/index.js",
  ];
  if (outputs.some((path) => !existsSync(join(root, path))))
    console.log("helexa: building (the first time takes a minute or two)...");
  const filters = ["@helexa/neuron", "@helexa/gateway", "@helexa/tiny-model"].map(
    (name) => `--filter=${name}`,
  );
  const result = spawnSync(
    "pnpm",
    ["--silent", "exec", "turbo", "run", "build", ...filters, "--output-logs=errors-only"],
    {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    },
  );
  if (result.status === 0) return;
  process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
  console.error("helexa: the build failed (its output is above)");
  process.exit(result.status ?? 1);
}

function missing(path, what) {
  if (existsSync(join(root, path))) return false;
  console.error(`helexa: ${what} is missing (${path}); the build did not produce it.`);
  return true;
}

/** Starts a program, prefixes its output, and resolves with the first `"event":"listening"` log line. */
function startService(name, args) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push(child);
  // Whatever the child leaves behind in its group (a model worker) goes when the child does.
  child.once("exit", () => signalGroup(child, "SIGKILL"));
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

/** Sends a signal to a child's whole process group; quiet when the group is already gone. */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function running(child) {
  return child.exitCode === null && child.signalCode === null;
}

async function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  const exits = children
    .filter(running)
    .map((child) => new Promise((resolve) => child.once("exit", resolve)));
  // cortex first, then the neuron: each drains on SIGTERM and ends its own workers.
  for (const child of [...children].reverse()) if (running(child)) child.kill("SIGTERM");
  const forceKill = setTimeout(() => {
    for (const child of children) signalGroup(child, "SIGKILL");
  }, 40_000);
  await Promise.all(exits);
  clearTimeout(forceKill);
  process.exit(exitCode);
}

function onSignal() {
  if (stopping) {
    // A second Ctrl-C: do not wait for the drain.
    for (const child of children) signalGroup(child, "SIGKILL");
    process.exit(1);
  }
  void stop(0);
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.on("SIGHUP", onSignal);
// `pnpm start` runs this under pnpm and a shell; SIGTERM to pnpm ends them without passing it on. When
// the parent is gone (re-parented to init or a subreaper), stop as if signalled.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent && !stopping) void stop(0);
}, 250).unref();

if (!process.argv.includes("--no-build")) build();
if (missing("apps/neuron/dist/cli.js", "the neuron") || missing("apps/gateway/dist/cli.js", "cortex"))
  process.exit(1);
// Written when missing or stale (a file from an older generator, before its fill-in-the-middle tokens).
const { ensureTinyModel } = await import(pathToFileURL(join(root, "packages/tiny-model/dist/index.js")).href);
await ensureTinyModel(modelPath);

try {
  const neuron = await startService("neuron", [
    "apps/neuron/dist/cli.js",
    "serve",
    "--config",
    "examples/tiny/neuron.toml",
  ]);
  const cortex = await startService("cortex", [
    "apps/gateway/dist/cli.js",
    "serve",
    "--config",
    "examples/tiny/cortex.toml",
  ]);
  const url = cortex.url ?? "http://127.0.0.1:31313";
  console.log(`
helexa is up: cortex ${url} (metrics ${cortex.metrics_url ?? "http://127.0.0.1:31314"}) -> neuron ${neuron.url ?? "http://127.0.0.1:13131"} serving "tiny" on CPU.
Try:
  curl -s ${url}/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"tiny","messages":[{"role":"user","content":"Hello"}],"max_tokens":16}'
Ctrl-C stops both.
`);
} catch (error) {
  console.error(`helexa: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
