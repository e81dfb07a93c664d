import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { EngineSettings } from "./engine-protocol.js";
import { listeningLine, type StartedProcess, startProcess } from "./start-process.js";
import { waitForHttp } from "./wait-for-http.js";

export const neuronModelId = "bench";

export function neuronCliPath(root: string): string {
  return join(root, "apps", "neuron", "dist", "cli.js");
}

export function hasNeuron(root: string): boolean {
  return existsSync(neuronCliPath(root));
}

function neuronToml(settings: EngineSettings): string {
  return `port = 0
host = "127.0.0.1"
threads = ${settings.threads}
gpu = "cpu"

[admission]
max_queue_depth = 16
max_wait_secs = 120

[[models]]
id = "${neuronModelId}"
path = ${JSON.stringify(settings.modelPath)}
context_size = ${settings.contextSize}
sequences = ${settings.sequences}
preload = true
`;
}

/** Starts a neuron serving the model in `settings` and waits until it answers a chat completion. */
export async function startNeuron(
  root: string,
  scratch: string,
  settings: EngineSettings,
): Promise<{ process: StartedProcess; baseUrl: string }> {
  const configPath = join(scratch, `neuron-${basename(settings.modelPath, ".gguf")}.toml`);
  await writeFile(configPath, neuronToml(settings));
  const started = await startProcess({
    name: "neuron",
    command: process.execPath,
    args: [neuronCliPath(root), "serve", "--config", configPath, "--port", "0"],
    cwd: scratch,
    readyLine: listeningLine,
    timeoutMs: 60_000,
  });
  const baseUrl = String(started.ready.url).replace(/\/$/, "");
  try {
    await waitForHttp(`${baseUrl}/v1/chat/completions`, {
      timeoutMs: 120_000,
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: neuronModelId,
          messages: [{ role: "user", content: "ready?" }],
          max_tokens: 1,
        }),
      },
    });
  } catch (error) {
    await started.stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nneuron output:\n${started.recentOutput()}`,
    );
  }
  return { process: started, baseUrl };
}
