import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createServiceGroup, waitFor } from "@helexa/test-support";
import { ensureTinyModel } from "@helexa/tiny-model";

/** The model every test talks to: two sequences, default admission. */
export const TINY = "tiny";
/** A model with one sequence and no queue, so a second concurrent request is refused (503). */
export const TINY_BUSY = "tiny-busy";
/** Context size of `tiny`, in tokens. */
export const TINY_CONTEXT = 2048;
/** With `onDemandModels`: the tiny model configured on the neuron but not preloaded (cortex loads it on use). */
export const TINY_COLD = "tiny-cold";
/** With `onDemandModels`: a model whose file does not exist, so loading it on use fails. */
export const TINY_MISSING = "tiny-missing";

/** What `startFleet` may vary. */
export interface FleetOptions {
  /** When set, cortex requires this key (`require_auth`, one uncapped key, a ledger in the temp folder). */
  apiKey?: string;
  /** When set, the neuron requires this bearer token (`auth_token`) and cortex is configured to send it. */
  neuronToken?: string;
  /** More keys (with `apiKey` only), each with its own `hard_cap`. */
  cappedKeys?: Array<{ key: string; hardCap: number }>;
  /** Also configure `TINY_COLD` and `TINY_MISSING` (neuron `[[models]]`, not preloaded; cortex's catalogue). */
  onDemandModels?: boolean;
}

/** One neuron serving the tiny model and one cortex in front of it, as real processes. */
export interface Fleet {
  /** cortex's API, e.g. `http://127.0.0.1:41234` (no `/v1`). */
  cortexUrl: string;
  /** Headers a raw `fetch` to cortex needs (the key, when the fleet requires one). */
  headers: Record<string, string>;
  /** cortex's Prometheus endpoint on `metrics_listen`, e.g. `http://127.0.0.1:41235/metrics`. */
  cortexMetricsUrl: string;
  /** The neuron's API, for comparing with what it says directly. */
  neuronUrl: string;
  /** Headers a raw `fetch` to the neuron needs (its token, when the fleet sets one). */
  neuronHeaders: Record<string, string>;
  /** Recent log lines of both processes, for failure messages. */
  logs(): string;
  /**
   * Throws, with the dead process's last log lines, if the neuron or cortex is no longer running (a
   * crash shows up as its stack trace instead of every later test's connection error).
   */
  assertRunning(): void;
  /** SIGTERMs cortex then the neuron and waits for both to exit; removes the temp folder. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const cliOf = (pkg: string) => join(dirname(require.resolve(pkg)), "cli.js");

/**
 * Generates the tiny model into a temp folder, starts `neuron serve` (threads = 1, CPU, port 0) with
 * `tiny` and `tiny-busy` preloaded, then `cortex serve` on ephemeral ports polling every 200 ms, and
 * resolves once cortex's `/v1/models` lists both models as loaded. Needs `pnpm build` of the apps.
 */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const group = await createServiceGroup("helexa-e2e-");
  const { folder } = group;
  try {
    const model = await ensureTinyModel(join(folder, "tiny.gguf"), { contextLength: 4096 });
    const onDemand = options.onDemandModels === true ? { folder } : undefined;
    await writeFile(join(folder, "neuron.toml"), neuronToml(model.path, options.neuronToken, onDemand));
    const neuron = await group.spawn({
      name: "neuron",
      cli: cliOf("@helexa/neuron"),
      args: ["serve", "--config", join(folder, "neuron.toml"), "--port", "0"],
      env: { NEURON_LOG_LEVEL: "info" },
      timeoutMs: 60_000,
    });
    // On-demand models need cortex's catalogue too: it loads only what it knows of.
    if (onDemand !== undefined) await writeFile(join(folder, "models.toml"), onDemandCatalogue());
    await writeFile(
      join(folder, "cortex.toml"),
      (onDemand === undefined ? "" : `models_config = "models.toml"\n\n`) +
        cortexToml(neuron.listening.url, options.apiKey, options.neuronToken, options.cappedKeys ?? []),
    );
    const cortex = await group.spawn({
      name: "cortex",
      cli: cliOf("@helexa/gateway"),
      args: ["serve", "--config", join(folder, "cortex.toml")],
      env: { CORTEX_LOG_LEVEL: "info" },
      timeoutMs: 60_000,
    });
    const cortexUrl = cortex.listening.url;
    await waitFor(
      () => bothLoaded(cortexUrl, options.apiKey),
      120_000,
      `cortex listing ${TINY} and ${TINY_BUSY} as loaded`,
    );
    return {
      cortexUrl,
      headers: authHeaders(options.apiKey),
      cortexMetricsUrl: cortex.listening.metrics_url ?? "",
      neuronUrl: neuron.listening.url,
      neuronHeaders: authHeaders(options.neuronToken),
      logs: group.logs,
      assertRunning: group.assertRunning,
      stop: group.stop,
    };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

async function bothLoaded(cortexUrl: string, apiKey: string | undefined): Promise<true | undefined> {
  const response = await fetch(`${cortexUrl}/v1/models`, { headers: authHeaders(apiKey) });
  if (!response.ok) return undefined;
  const list = (await response.json()) as { data: Array<{ id: string; loaded: boolean }> };
  const loaded = (id: string) => list.data.some((model) => model.id === id && model.loaded);
  return loaded(TINY) && loaded(TINY_BUSY) ? true : undefined;
}

function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
}

function neuronToml(
  modelPath: string,
  token: string | undefined,
  onDemand: { folder: string } | undefined,
): string {
  const notPreloaded = (id: string, path: string) => [
    ``,
    `[[models]]`,
    `id = "${id}"`,
    `path = ${JSON.stringify(path)}`,
    `context_size = 2048`,
    `sequences = 1`,
    `preload = false`,
  ];
  return [
    `host = "127.0.0.1"`,
    `threads = 1`,
    `gpu = "cpu"`,
    ...(token === undefined ? [] : [`auth_token = ${JSON.stringify(token)}`]),
    ``,
    `[admission]`,
    `max_queue_depth = 8`,
    `max_wait_secs = 60`,
    ``,
    `[[models]]`,
    `id = "${TINY}"`,
    `path = ${JSON.stringify(modelPath)}`,
    `context_size = ${TINY_CONTEXT}`,
    `sequences = 2`,
    `preload = true`,
    ``,
    `[[models]]`,
    `id = "${TINY_BUSY}"`,
    `path = ${JSON.stringify(modelPath)}`,
    `context_size = 4096`,
    `sequences = 1`,
    `preload = true`,
    `admission = { max_queue_depth = 0 }`,
    ...(onDemand === undefined
      ? []
      : [
          ...notPreloaded(TINY_COLD, modelPath),
          ...notPreloaded(TINY_MISSING, join(onDemand.folder, "missing.gguf")),
        ]),
    ``,
  ].join("\n");
}

/** cortex's catalogue of the on-demand models; the neuron's `[[models]]` say where their files are. */
function onDemandCatalogue(): string {
  return [TINY_COLD, TINY_MISSING].map((id) => `[[models]]\nid = "${id}"\nsequences = 1\n`).join("\n");
}

function cortexToml(
  neuronUrl: string,
  apiKey: string | undefined,
  neuronToken: string | undefined,
  cappedKeys: ReadonlyArray<{ key: string; hardCap: number }>,
): string {
  const auth =
    apiKey === undefined
      ? []
      : [
          `[entitlements]`,
          `require_auth = true`,
          ``,
          `[[entitlements.keys]]`,
          `key = ${JSON.stringify(apiKey)}`,
          `account_id = "e2e"`,
          `key_id = "e2e"`,
          ``,
          ...cappedKeys.flatMap((capped, index) => [
            `[[entitlements.keys]]`,
            `key = ${JSON.stringify(capped.key)}`,
            `account_id = "e2e"`,
            `key_id = "capped-${index}"`,
            `hard_cap = ${capped.hardCap}`,
            ``,
          ]),
          `[ledger]`,
          `path = "cortex-ledger.sqlite"`,
          ``,
        ];
  return [
    `[gateway]`,
    `listen = "127.0.0.1:0"`,
    `metrics_listen = "127.0.0.1:0"`,
    `poll_interval_ms = 200`,
    ``,
    `[[neurons]]`,
    `name = "local"`,
    `endpoint = "${neuronUrl}"`,
    ...(neuronToken === undefined ? [] : [`auth_token = ${JSON.stringify(neuronToken)}`]),
    ``,
    ...auth,
  ].join("\n");
}
