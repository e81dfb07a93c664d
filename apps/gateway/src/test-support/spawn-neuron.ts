import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { defaultTinyModelPath, ensureTinyModel } from "@helexa/tiny-model";

/** The neuron's CLI in this workspace (built by turbo before the gateway's tests). */
export const NEURON_CLI = fileURLToPath(new URL("../../../neuron/dist/cli.js", import.meta.url));

export interface SpawnedNeuron {
  child: ChildProcess;
  url: string;
  /** Every stdout line so far. */
  lines: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A real neuron process serving the generated tiny model as `tiny` on CPU (one thread), on an ephemeral
 * port; resolves once it listens and the model is loaded.
 */
export async function spawnTinyNeuron(options: {
  sequences?: number;
  maxQueueDepth?: number;
  contextSize?: number;
  /** Loaded at start (default); false = listed in `[[models]]` only, loaded on request. */
  preload?: boolean;
  /** More `neuron.toml` lines, appended after `[[models]]` (tables such as `[join]`). */
  extraToml?: readonly string[];
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** The neuron's `auth_token` (the readiness check sends it too). */
  authToken?: string;
  /** More `neuron serve` arguments. */
  args?: readonly string[];
}): Promise<SpawnedNeuron> {
  const model = await ensureTinyModel(defaultTinyModelPath());
  const folder = await mkdtemp(join(tmpdir(), "cortex-e2e-neuron-"));
  const config = join(folder, "neuron.toml");
  await writeFile(
    config,
    [
      `host = ${JSON.stringify(options.host ?? "127.0.0.1")}`,
      "threads = 1",
      'gpu = "cpu"',
      ...(options.authToken === undefined ? [] : [`auth_token = ${JSON.stringify(options.authToken)}`]),
      "[admission]",
      `max_queue_depth = ${options.maxQueueDepth ?? 1}`,
      "max_wait_secs = 30",
      "[[models]]",
      'id = "tiny"',
      `path = ${JSON.stringify(model.path)}`,
      `context_size = ${options.contextSize ?? 4096}`,
      `sequences = ${options.sequences ?? 1}`,
      `preload = ${options.preload ?? true}`,
      ...(options.extraToml ?? []),
      "",
    ].join("\n"),
  );
  const child = spawn(
    process.execPath,
    [NEURON_CLI, "serve", "--config", config, "--port", "0", ...(options.args ?? [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const lines: string[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (line.includes('"event":"listening"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`neuron exited before listening: ${stderr}`)));
  });
  for (;;) {
    if (options.preload === false) break;
    const headers: Record<string, string> =
      options.authToken === undefined ? {} : { authorization: `Bearer ${options.authToken}` };
    const models = (await (await fetch(`${url}/models`, { headers })).json()) as Array<{
      id: string;
      status: string;
    }>;
    if (models.some((entry) => entry.id === "tiny" && entry.status === "loaded")) break;
    if (child.exitCode !== null) throw new Error(`neuron exited while loading: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    url,
    lines,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
