import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createServiceGroup, type SpawnedService, waitFor } from "@helexa/test-support";
import { ensureTinyModel } from "@helexa/tiny-model";

/** The model both neurons serve. */
export const MODEL = "tiny";
/** The stall timeout the neurons run with (seconds): short, so a stopped worker is replaced quickly. */
export const STALL_TIMEOUT_SECS = 3;
const API_KEY = "sk-faults-0123456789";

/** One neuron of the fleet, as a real process. */
export interface FaultNeuron {
  name: string;
  url: string;
  service: SpawnedService;
  /** The model's status and worker pid as the neuron reports them (undefined when it does not answer). */
  model(): Promise<{ status: string; worker_pid?: number } | undefined>;
}

/** Two neurons with the tiny model behind one cortex that requires an API key. */
export interface FaultFleet {
  cortexUrl: string;
  /** Headers every client request needs (the key). */
  headers: Record<string, string>;
  neurons: FaultNeuron[];
  /** The key's spend and holds from cortex's `GET /v1/usage`. */
  usage(): Promise<{ spent: number; reserved: number }>;
  /** Waits until every neuron still running serves the model and cortex has polled them since. */
  ready(): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const cliOf = (pkg: string) => join(dirname(require.resolve(pkg)), "cli.js");

/** Starts `neuron serve` twice and `cortex serve` in front of both, in a temp folder. Needs the apps built. */
export async function startFaultFleet(): Promise<FaultFleet> {
  const group = await createServiceGroup("helexa-faults-");
  const { folder } = group;
  try {
    const model = await ensureTinyModel(join(folder, "tiny.gguf"), { contextLength: 4096 });
    const neurons: FaultNeuron[] = [];
    for (const name of ["a", "b"]) {
      const config = join(folder, `neuron-${name}.toml`);
      await writeFile(config, neuronToml(model.path));
      const service = await group.spawn({
        name: `neuron-${name}`,
        cli: cliOf("@helexa/neuron"),
        args: ["serve", "--config", config, "--port", "0"],
        env: { NEURON_LOG_LEVEL: "info" },
        timeoutMs: 120_000,
      });
      const url = service.listening.url;
      neurons.push({ name, url, service, model: () => modelOn(url) });
    }
    await writeFile(join(folder, "cortex.toml"), cortexToml(neurons));
    const cortex = await group.spawn({
      name: "cortex",
      cli: cliOf("@helexa/gateway"),
      args: ["serve", "--config", join(folder, "cortex.toml")],
      env: { CORTEX_LOG_LEVEL: "info" },
      timeoutMs: 120_000,
    });
    const cortexUrl = cortex.listening.url;
    const headers = { authorization: `Bearer ${API_KEY}` };
    const fleet: FaultFleet = {
      cortexUrl,
      headers,
      neurons,
      async usage() {
        const response = await fetch(`${cortexUrl}/v1/usage`, { headers });
        if (!response.ok) throw new Error(`GET /v1/usage: ${response.status}`);
        return (await response.json()) as { spent: number; reserved: number };
      },
      async ready() {
        const running = neurons.filter(
          (neuron) => neuron.service.child.exitCode === null && neuron.service.child.signalCode === null,
        );
        for (const neuron of running) {
          await waitFor(
            async () => ((await neuron.model())?.status === "loaded" ? true : undefined),
            180_000,
            `neuron ${neuron.name} serving ${MODEL}`,
          );
        }
        // Two poll rounds that ended after every running neuron served the model: the second began after the
        // first ended (rounds run one after another), so cortex sees each replica as it is now.
        const what = `cortex polling ${running.map((neuron) => neuron.name).join(", ")} serving ${MODEL}`;
        const servingSince = Date.now();
        const firstRound = await waitFor(
          () => cortexSeesServing(cortexUrl, running, servingSince),
          60_000,
          what,
        );
        await waitFor(() => cortexSeesServing(cortexUrl, running, firstRound), 60_000, what);
      },
      logs: group.logs,
      stop: group.stop,
    };
    await fleet.ready();
    return fleet;
  } catch (error) {
    await group.stop();
    throw error;
  }
}

async function modelOn(url: string): Promise<{ status: string; worker_pid?: number } | undefined> {
  try {
    const response = await fetch(`${url}/models`, { signal: AbortSignal.timeout(5_000) });
    const models = (await response.json()) as Array<{ id: string; status: string; worker_pid?: number }>;
    return models.find((model) => model.id === MODEL);
  } catch {
    return undefined;
  }
}

/**
 * When cortex last polled `neurons` (the latest of their `last_poll`, ms), once its `/health` shows each of
 * them healthy and serving the model in a poll that ended after `afterMs`; undefined until then.
 */
async function cortexSeesServing(
  url: string,
  neurons: readonly FaultNeuron[],
  afterMs: number,
): Promise<number | undefined> {
  const response = await fetch(`${url}/health`);
  if (!response.ok) return undefined;
  const health = (await response.json()) as {
    neurons: Array<{
      name: string;
      healthy: boolean;
      last_poll: string | null;
      models: Array<{ id: string; status: string }>;
    }>;
  };
  let latest = afterMs;
  for (const neuron of neurons) {
    const node = health.neurons.find((entry) => entry.name === neuron.name);
    const polledAt = node?.last_poll == null ? Number.NaN : Date.parse(node.last_poll);
    const serving = node?.models.some((model) => model.id === MODEL && model.status === "loaded") === true;
    if (node?.healthy !== true || !serving || !(polledAt > afterMs)) return undefined;
    latest = Math.max(latest, polledAt);
  }
  return latest;
}

function neuronToml(modelPath: string): string {
  return [
    `host = "127.0.0.1"`,
    `threads = 1`,
    `gpu = "cpu"`,
    ``,
    `[admission]`,
    `max_queue_depth = 8`,
    `max_wait_secs = 30`,
    `stall_timeout_secs = ${STALL_TIMEOUT_SECS}`,
    ``,
    `[[models]]`,
    `id = "${MODEL}"`,
    `path = ${JSON.stringify(modelPath)}`,
    `context_size = 2048`,
    `sequences = 2`,
    `preload = true`,
    ``,
  ].join("\n");
}

function cortexToml(neurons: FaultNeuron[]): string {
  return [
    `[gateway]`,
    `listen = "127.0.0.1:0"`,
    `metrics_listen = "127.0.0.1:0"`,
    `poll_interval_ms = 200`,
    ``,
    ...neurons.flatMap((neuron) => [
      `[[neurons]]`,
      `name = "${neuron.name}"`,
      `endpoint = "${neuron.url}"`,
      ``,
    ]),
    `[entitlements]`,
    `require_auth = true`,
    ``,
    `[[entitlements.keys]]`,
    `key = "${API_KEY}"`,
    `account_id = "faults"`,
    `key_id = "faults"`,
    ``,
    `[ledger]`,
    `path = "cortex-ledger.sqlite"`,
    ``,
  ].join("\n");
}
