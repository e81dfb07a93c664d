import { execFileSync, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// `pnpm start` (scripts/start.mjs) as a real process tree: a signal to it must end the neuron, its model
// worker and cortex, and free their ports.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/** Every process below `pid`, found through `pgrep -P`. */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    children = []; // pgrep exits 1 when there are none
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` gives a value (bounded by the test's timeout). */
async function until<T>(check: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

describe("pnpm start", () => {
  it.each([
    ["SIGTERM", "node"],
    ["SIGINT", "node"],
    ["SIGTERM", "pnpm"],
  ] as const)(
    "on %s to %s stops cortex, the neuron and its worker, and frees their ports",
    async (signal, via) => {
      const [neuronPort, apiPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
      // Through pnpm, the signal ends pnpm and its shell only: start.mjs must notice its parent is gone.
      const [command, args] =
        via === "pnpm"
          ? ["pnpm", ["--silent", "start", "--no-build"]]
          : [process.execPath, ["scripts/start.mjs", "--no-build"]];
      const child = spawn(command, args, {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          NEURON_PORT: String(neuronPort),
          CORTEX_GATEWAY__LISTEN: `127.0.0.1:${apiPort}`,
          CORTEX_GATEWAY__METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
          CORTEX_NEURONS: JSON.stringify([{ name: "local", endpoint: `http://127.0.0.1:${neuronPort}` }]),
        },
      });
      cleanups.push(() => {
        // Children run in their own process groups: a failed test must not leave them behind.
        for (const pid of descendants(child.pid ?? 0)) killQuietly(-pid);
        if (child.exitCode === null) child.kill("SIGKILL");
      });
      let output = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      const up = new Promise<void>((resolve, reject) => {
        lines.on("line", (line) => {
          output += `${line}\n`;
          if (line.startsWith("helexa is up")) resolve();
        });
        void exited.then((code) =>
          reject(new Error(`start.mjs exited (${code}) before it was up:\n${output}`)),
        );
      });
      await up;
      const worker = await until(async () => {
        const models = (await (await fetch(`http://127.0.0.1:${neuronPort}/models`)).json()) as Array<{
          status: string;
          worker_pid?: number;
        }>;
        return models[0]?.status === "loaded" ? models[0].worker_pid : undefined;
      }, "the preload");
      cleanups.push(() => killQuietly(worker));
      const tree = descendants(child.pid ?? 0);
      child.kill(signal);
      const code = await exited;
      if (via === "node") expect(code).toBe(0);
      for (const pid of tree) await until(() => (alive(pid) ? undefined : true), `process ${pid} to exit`);
      for (const port of [neuronPort, apiPort, metricsPort]) expect(await refused(port)).toBe(true);
      // The worker is in the neuron's process group, which start.mjs ends after the neuron.
      await until(() => (alive(worker) ? undefined : true), "the worker's exit");
      expect(alive(worker)).toBe(false);
    },
  );
});
