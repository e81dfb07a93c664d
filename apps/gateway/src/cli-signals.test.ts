import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeNeuron, startFakeNeuron } from "./test-support/fake-neuron.js";
import { CORTEX_CLI } from "./test-support/spawn-cortex.js";

// The built CLI as a real process: shutdown with its stdout reader gone, a second signal, a port in use.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function fakeNeuron(options: Parameters<typeof startFakeNeuron>[0] = {}): Promise<FakeNeuron> {
  const neuron = await startFakeNeuron(options);
  cleanups.push(() => neuron.close());
  return neuron;
}

async function writeConfig(neuronUrl: string, listen = "127.0.0.1:0"): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "cortex-signals-"));
  const path = join(folder, "cortex.toml");
  await writeFile(
    path,
    `[gateway]\nlisten = "${listen}"\nmetrics_listen = "127.0.0.1:0"\npoll_interval_ms = 20\n\n` +
      `[[neurons]]\nname = "a"\nendpoint = "${neuronUrl}"\n`,
  );
  return path;
}

interface Started {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  exited: Promise<number | null>;
  /** Resolves when a stdout line contains `text`. */
  line(text: string): Promise<string>;
}

function start(configPath: string): Promise<Started> {
  const child = spawn(process.execPath, [CORTEX_CLI, "serve", "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const lines: string[] = [];
  const waiters: Array<{ text: string; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((candidate) => line.includes(candidate.text))) waiter.resolve(line);
  });
  const line = (text: string) =>
    new Promise<string>((resolve) => {
      const seen = lines.find((candidate) => candidate.includes(text));
      if (seen !== undefined) resolve(seen);
      else waiters.push({ text, resolve });
    });
  return line('"event":"listening"').then((listening) => {
    const parsed = JSON.parse(listening) as { url: string; metrics_url: string };
    return { child, url: parsed.url, metricsUrl: parsed.metrics_url, exited, line };
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** True when nothing accepts connections on the URL's port any more. */
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

describe("cortex process lifecycle", () => {
  it("exits on SIGINT after the reader of its stdout is gone (serve | head, Ctrl-C) and frees its ports", async () => {
    const neuron = await fakeNeuron();
    const config = await writeConfig(neuron.url);
    // `head -n 1` prints the listening line and exits: every later log line meets a closed pipe.
    const shell = spawn(
      "bash",
      [
        "-c",
        'set -o pipefail; "$0" "$1" serve --config "$2" | head -n 1',
        process.execPath,
        CORTEX_CLI,
        config,
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    cleanups.push(() => shell.exitCode === null && shell.kill("SIGKILL"));
    const exited = new Promise<number | null>((resolve) => shell.once("exit", (code) => resolve(code)));
    const [listening] = (await once(
      createInterface({ input: shell.stdout as NodeJS.ReadableStream }),
      "line",
    )) as [string];
    const { pid, url, metrics_url } = JSON.parse(listening) as {
      pid: number;
      url: string;
      metrics_url: string;
    };
    cleanups.push(() => killQuietly(pid));
    process.kill(pid, "SIGINT");
    // The pipeline ends when cortex does; with pipefail its status is cortex's.
    expect(await exited).toBe(0);
    expect(await refused(url)).toBe(true);
    expect(await refused(metrics_url)).toBe(true);
  });

  it("exits at once on a second SIGTERM while the first still drains an open request", async () => {
    let reached: () => void = () => {};
    const requestReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const neuron = await fakeNeuron({
      inference: () => {
        reached();
        return new Promise<Response>(() => {}); // never answers: the drain would wait 30 s
      },
    });
    const cortex = await start(await writeConfig(neuron.url));
    await cortex.line('"event":"node_healthy"');
    const pending = fetch(`${cortex.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "test-model", messages: [{ role: "user", content: "hi" }] }),
    }).catch(() => undefined);
    await requestReached;
    cortex.child.kill("SIGTERM");
    await cortex.line('"event":"stopping"');
    cortex.child.kill("SIGTERM");
    expect(await cortex.exited).toBe(1);
    await pending;
    expect(await refused(cortex.url)).toBe(true);
  });

  it("refuses a port in use with one line on stderr and exit code 2", async () => {
    const neuron = await fakeNeuron();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const address = squatter.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    const child = spawn(
      process.execPath,
      [CORTEX_CLI, "serve", "--config", await writeConfig(neuron.url, `127.0.0.1:${address.port}`)],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // `close`, not `exit`: Node may fire `exit` while the pipe still holds the line compared below.
    const code = await new Promise<number | null>((resolve) => child.once("close", (exit) => resolve(exit)));
    expect(code).toBe(2);
    expect(stderr).toBe(
      `cortex: cannot listen on gateway.listen = "127.0.0.1:${address.port}": address already in use\n`,
    );
  });
});
