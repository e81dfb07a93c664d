import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { postJson, waitFor } from "./test-support/post-json.js";
import { tinyModelFile } from "./test-support/tiny-model-file.js";

// The built CLI as a real process: shutdown with its stdout reader gone, a second signal, a port in use,
// a preloaded model whose file is missing.
const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");
let dir: string;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "neuron-signals-"));
  await copyFile(await tinyModelFile(), join(dir, "tiny.gguf"));
  await writeFile(join(dir, "neuron.toml"), config("tiny.gguf"));
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function config(modelPath: string): string {
  return `threads = 1\ngpu = "cpu"\n\n[[models]]\nid = "tiny"\npath = "${modelPath}"\ncontext_size = 2048\npreload = true\n`;
}

function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/** Waits for the preload and returns the model worker's pid. */
async function workerPid(url: string): Promise<number> {
  return waitFor(
    async () => {
      const models = (await (await fetch(`${url}/models`)).json()) as Array<{
        status: string;
        worker_pid?: number;
      }>;
      return models[0]?.status === "loaded" ? models[0].worker_pid : undefined;
    },
    180_000,
    "the preload",
  );
}

function run(args: string[]): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => killQuietly(child.exitCode === null ? child.pid : undefined));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // `close`, not `exit`: Node may fire `exit` while the pipes still hold the child's last output (the stderr
  // line the tests compare).
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe("neuron process lifecycle", () => {
  it("exits on Ctrl-C under `serve | tee | head` once the reader of its stdout is gone, ending its worker and freeing its port", async () => {
    // Its own process group, like a terminal's foreground job: Ctrl-C is SIGINT to every process in it.
    // `head -c 50` exits after the start of the first line, so tee dies on the next log line: the
    // neuron's stdout reader is gone before the signal, as when the pager or tee is quit first.
    const configPath = join(dir, "neuron.toml");
    const out = join(dir, "tee.log");
    const shell = spawn(
      "bash",
      [
        "-c",
        '"$0" "$1" serve --config "$2" --port 0 2>/dev/null | tee "$3" | head -c 50 >/dev/null',
        process.execPath,
        cli,
        configPath,
        out,
      ],
      { stdio: "ignore", detached: true },
    );
    const group = shell.pid ?? 0;
    cleanups.push(() => killQuietly(-group));
    const url = await waitFor(
      async () => /"url":"([^"]+)"/.exec(await readFile(out, "utf8").catch(() => ""))?.[1],
      180_000,
      "the listening line",
    );
    const pid = Number(
      execFileSync("pgrep", ["-f", "--", `^${process.execPath} ${cli} serve --config ${configPath}`], {
        encoding: "utf8",
      }).trim(),
    );
    const worker = await workerPid(url);
    process.kill(-group, "SIGINT");
    await waitFor(() => (alive(pid) ? undefined : true), 60_000, "the neuron's exit");
    expect(await refused(url)).toBe(true);
    await waitFor(() => (alive(worker) ? undefined : true), 60_000, "the worker's exit");
    // Every wait is for a condition; the bounds (its own and the test's) are against hangs only.
  }, 600_000);

  it("exits at once on a second SIGTERM while the first drains a running request, ending its worker", async () => {
    const neuron = run(["serve", "--config", join(dir, "neuron.toml"), "--port", "0"]);
    const [listening] = (await once(
      createInterface({ input: neuron.child.stdout as NodeJS.ReadableStream }),
      "line",
    )) as [string];
    const { url } = JSON.parse(listening) as { url: string };
    const worker = await workerPid(url);
    cleanups.push(() => killQuietly(worker));
    const stream = await postJson(`${url}/v1/chat/completions`, {
      model: "tiny",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0,
      max_tokens: 1500,
      stream: true,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    await reader?.read(); // generating
    neuron.child.kill("SIGTERM");
    await waitFor(
      async () =>
        ((await (await fetch(`${url}/health`)).json()) as { draining?: boolean }).draining || undefined,
      60_000,
      "draining",
    );
    neuron.child.kill("SIGTERM");
    expect(await neuron.exited).toBe(1);
    await reader?.cancel().catch(() => undefined);
    await waitFor(() => (alive(worker) ? undefined : true), 60_000, "the worker's exit");
    // A start and a preload inside the test: over a minute on a loaded 2-core host (seen under load).
  }, 600_000);

  it("refuses a port in use with one line on stderr and exit code 2", async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const address = squatter.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const neuron = run(["serve", "--config", join(dir, "neuron.toml"), "--port", String(address.port)]);
    expect(await neuron.exited).toBe(2);
    expect(neuron.stderr()).toBe(
      `neuron: cannot listen on 127.0.0.1:${address.port}: address already in use (another neuron? set port or --port)\n`,
    );
  });

  it("refuses to start when a preloaded model's file is missing, naming the model and the path", async () => {
    await writeFile(join(dir, "missing.toml"), config("gone.gguf"));
    const neuron = run(["serve", "--config", join(dir, "missing.toml"), "--port", "0"]);
    expect(await neuron.exited).toBe(2);
    expect(neuron.stderr()).toBe(
      `neuron: model 'tiny' (preload = true in missing.toml): file not found: ${join(dir, "gone.gguf")}\n`,
    );
  });
});
