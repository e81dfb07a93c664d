import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createServiceGroup, waitFor } from "@helexa/test-support";
import type { ScriptedModelOptions } from "@helexa/tiny-model";
import { ensureTinyModel, generateScriptedModel } from "@helexa/tiny-model";

/** The random tiny model, served beside the scripted ones (Claude Code's small/fast model). */
export const TINY = "tiny";
/** Every client's key: uncapped. */
export const API_KEY = "sk-clients-main";
/** A key whose budget is spent at once (hard cap 1 token): its requests are refused with 429. */
export const CAPPED_KEY = "sk-clients-capped";
/** Context of the scripted models: in their byte-level vocabulary Claude Code's first request is about 41k tokens (65k with its whole tool set), Codex's 34k. */
const SCRIPTED_CONTEXT = 131_072;

/** A neuron serving scripted models and `tiny`, and a keyed cortex in front of it, as real processes. */
export interface ClientFleet {
  /** cortex's API, e.g. `http://127.0.0.1:41234` (no `/v1`). */
  cortexUrl: string;
  metricsUrl: string;
  /** The last lines both services logged, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const cliOf = (pkg: string) => join(dirname(require.resolve(pkg)), "cli.js");

/**
 * Writes each scripted model (by model id) and, with `tiny`, the tiny model into a temp folder, starts
 * `neuron serve` (threads = 1, CPU) with all of them preloaded and `cortex serve` with two keys and a ledger, and resolves
 * once cortex lists every model as loaded. Needs `pnpm build` of the apps.
 */
export async function startClientFleet(
  scripted: Record<string, ScriptedModelOptions>,
  options: { tiny: boolean },
): Promise<ClientFleet> {
  const group = await createServiceGroup("helexa-clients-");
  const { folder } = group;
  try {
    const models: Array<{ id: string; path: string; context: number }> = [];
    if (options.tiny) {
      const tiny = await ensureTinyModel(join(folder, "tiny.gguf"), { contextLength: 4096 });
      models.push({ id: TINY, path: tiny.path, context: 4096 });
    }
    for (const [id, script] of Object.entries(scripted)) {
      const path = join(folder, `${id}.gguf`);
      await writeFile(path, generateScriptedModel({ ...script, contextLength: SCRIPTED_CONTEXT }));
      models.push({ id, path, context: SCRIPTED_CONTEXT });
    }
    await writeFile(join(folder, "neuron.toml"), neuronToml(models));
    const neuron = await group.spawn({
      name: "neuron",
      cli: cliOf("@helexa/neuron"),
      args: ["serve", "--config", join(folder, "neuron.toml"), "--port", "0"],
      env: { NEURON_LOG_LEVEL: "info" },
      timeoutMs: 60_000,
    });
    await writeFile(join(folder, "cortex.toml"), cortexToml(neuron.listening.url));
    const cortex = await group.spawn({
      name: "cortex",
      cli: cliOf("@helexa/gateway"),
      args: ["serve", "--config", join(folder, "cortex.toml")],
      env: { CORTEX_LOG_LEVEL: "info" },
      timeoutMs: 60_000,
    });
    const cortexUrl = cortex.listening.url;
    const ids = models.map((model) => model.id);
    await waitFor(() => allLoaded(cortexUrl, ids), 180_000, "cortex listing every model as loaded");
    return {
      cortexUrl,
      metricsUrl: cortex.listening.metrics_url ?? "",
      logs: group.logs,
      stop: group.stop,
    };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

async function allLoaded(cortexUrl: string, ids: readonly string[]): Promise<true | undefined> {
  const response = await fetch(`${cortexUrl}/v1/models`, { headers: { authorization: `Bearer ${API_KEY}` } });
  if (!response.ok) return undefined;
  const list = (await response.json()) as { data: Array<{ id: string; loaded: boolean }> };
  const loaded = (id: string) => list.data.some((model) => model.id === id && model.loaded);
  return ids.every(loaded) ? true : undefined;
}

function neuronToml(models: ReadonlyArray<{ id: string; path: string; context: number }>): string {
  return [
    `host = "127.0.0.1"`,
    `threads = 1`,
    `gpu = "cpu"`,
    ``,
    // A 65k-token prompt takes tens of seconds on one thread: not a stall.
    `[admission]`,
    `max_queue_depth = 8`,
    `max_wait_secs = 300`,
    `stall_timeout_secs = 300`,
    ...models.flatMap((model) => [
      ``,
      `[[models]]`,
      `id = "${model.id}"`,
      `path = ${JSON.stringify(model.path)}`,
      `context_size = ${model.context}`,
      `sequences = 1`,
      `preload = true`,
    ]),
    ``,
  ].join("\n");
}

function cortexToml(neuronUrl: string): string {
  return [
    `[gateway]`,
    `listen = "127.0.0.1:0"`,
    `metrics_listen = "127.0.0.1:0"`,
    `poll_interval_ms = 200`,
    ``,
    `[[neurons]]`,
    `name = "local"`,
    `endpoint = "${neuronUrl}"`,
    ``,
    `[entitlements]`,
    `require_auth = true`,
    ``,
    `[[entitlements.keys]]`,
    `key = "${API_KEY}"`,
    `account_id = "clients"`,
    `key_id = "main"`,
    ``,
    `[[entitlements.keys]]`,
    `key = "${CAPPED_KEY}"`,
    `account_id = "clients"`,
    `key_id = "capped"`,
    `hard_cap = 1`,
    ``,
    `[ledger]`,
    `path = "cortex-ledger.sqlite"`,
    ``,
  ].join("\n");
}
