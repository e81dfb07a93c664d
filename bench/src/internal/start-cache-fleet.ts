import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cortexCliPath } from "./start-cortex.js";
import { neuronCliPath } from "./start-neuron.js";
import { listeningLine, type StartedProcess, startProcess } from "./start-process.js";
import { waitForHttp } from "./wait-for-http.js";

export const cacheModelId = "bench-prefill";

/** What the `cache` group runs on: neurons with a long-context model, and one cortex per routing setup. */
export interface CacheFleetSettings {
  modelPath: string;
  contextSize: number;
  sequences: number;
  /** Each neuron's `threads`: 1 on a 2-core machine, so 4 neurons share the cores instead of fighting for them. */
  threads: number;
  /** `[prefix_cache] host_memory_mb` of each neuron. */
  hostMemoryMb: number;
}

export interface RunningProcess {
  baseUrl: string;
  process: StartedProcess;
}

async function waitForChat(baseUrl: string, started: StartedProcess, what: string): Promise<void> {
  try {
    await waitForHttp(`${baseUrl}/v1/chat/completions`, {
      timeoutMs: 120_000,
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: cacheModelId,
          messages: [{ role: "user", content: "ready?" }],
          max_tokens: 1,
        }),
      },
    });
  } catch (error) {
    await started.stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n${what} output:\n${started.recentOutput()}`,
    );
  }
}

/** Starts the fleet's neuron `name` (CPU, `settings.threads` threads) and waits until it answers. */
export async function startCacheNeuron(
  root: string,
  scratch: string,
  name: string,
  settings: CacheFleetSettings,
): Promise<RunningProcess> {
  const configPath = join(scratch, `cache-${name}.toml`);
  await writeFile(
    configPath,
    `port = 0
host = "127.0.0.1"
threads = ${settings.threads}
gpu = "cpu"

[admission]
max_queue_depth = 32
max_wait_secs = 300

[prefix_cache]
host_memory_mb = ${settings.hostMemoryMb}

[[models]]
id = "${cacheModelId}"
path = ${JSON.stringify(settings.modelPath)}
context_size = ${settings.contextSize}
sequences = ${settings.sequences}
preload = true
`,
  );
  const started = await startProcess({
    name,
    command: process.execPath,
    args: [neuronCliPath(root), "serve", "--config", configPath, "--port", "0"],
    cwd: scratch,
    readyLine: listeningLine,
    timeoutMs: 60_000,
  });
  const baseUrl = String(started.ready.url).replace(/\/$/, "");
  await waitForChat(baseUrl, started, "neuron");
  return { baseUrl, process: started };
}

/** Starts cortex over `neurons` with `[routing] strategy` and waits until it routes to the model. */
export async function startCacheCortex(
  root: string,
  scratch: string,
  name: string,
  neurons: readonly string[],
  strategy: "least_busy" | "cache_aware",
): Promise<RunningProcess> {
  const configPath = join(scratch, `cache-cortex-${name}.toml`);
  const nodes = neurons
    .map((url, index) => `[[neurons]]\nname = "neuron-${index}"\nendpoint = ${JSON.stringify(url)}\n`)
    .join("\n");
  await writeFile(
    configPath,
    `[gateway]
listen = "127.0.0.1:0"
metrics_listen = "127.0.0.1:0"
upstream_response_timeout_ms = 600000

[routing]
strategy = "${strategy}"

[ledger]
path = ${JSON.stringify(join(scratch, `cache-cortex-${name}.sqlite`))}

${nodes}`,
  );
  const started = await startProcess({
    name: `cortex-${name}`,
    command: process.execPath,
    args: [cortexCliPath(root), "serve", "--config", configPath],
    cwd: scratch,
    readyLine: listeningLine,
    timeoutMs: 30_000,
  });
  const baseUrl = String(started.ready.url).replace(/\/$/, "");
  await waitForChat(baseUrl, started, "cortex");
  return { baseUrl, process: started };
}
