import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createServiceGroup, waitFor } from "@helexa/test-support";
import { ensureTinyModel } from "@helexa/tiny-model";

/** Preloaded on the neuron. */
export const TINY = "tiny";
/** Configured on the neuron and in cortex's catalogue, not preloaded: the dashboard loads it. */
export const TINY_COLD = "tiny-cold";
/** The neuron's name in cortex.toml. */
export const NODE = "cpu-1";
export const ADMIN_KEY = "sk-ui-admin-0123456789";
export const USER_KEY = "sk-ui-user-0123456789";
const NEURON_TOKEN = "neuron-token-ui-0123456789";

export interface UiFleet {
  cortexUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const cliOf = (pkg: string) => join(dirname(require.resolve(pkg)), "cli.js");

/**
 * A real neuron (tiny model on CPU, `tiny` preloaded, `tiny-cold` configured) behind a real cortex with
 * `require_auth`, an admin key and a capped user key, and a neuron token. Resolves once cortex sees `tiny`
 * loaded. Needs `pnpm build` of the apps.
 */
export async function startUiFleet(): Promise<UiFleet> {
  const group = await createServiceGroup("helexa-ui-");
  const { folder } = group;
  try {
    const model = await ensureTinyModel(join(folder, "tiny.gguf"), { contextLength: 2048 });
    const path = JSON.stringify(model.path);
    await writeFile(
      join(folder, "neuron.toml"),
      [
        `host = "127.0.0.1"`,
        `threads = 1`,
        `gpu = "cpu"`,
        `auth_token = "${NEURON_TOKEN}"`,
        `[[models]]`,
        `id = "${TINY}"`,
        `path = ${path}`,
        `context_size = 1024`,
        `sequences = 1`,
        `preload = true`,
        `[[models]]`,
        `id = "${TINY_COLD}"`,
        `path = ${path}`,
        `context_size = 1024`,
        `sequences = 1`,
        `preload = false`,
        ``,
      ].join("\n"),
    );
    const neuron = await group.spawn({
      name: "neuron",
      cli: cliOf("@helexa/neuron"),
      args: ["serve", "--config", join(folder, "neuron.toml"), "--port", "0"],
      timeoutMs: 120_000,
    });
    await writeFile(join(folder, "models.toml"), `[[models]]\nid = "${TINY_COLD}"\n`);
    await writeFile(
      join(folder, "cortex.toml"),
      [
        `models_config = "models.toml"`,
        `[gateway]`,
        `listen = "127.0.0.1:0"`,
        `metrics_listen = "127.0.0.1:0"`,
        `poll_interval_ms = 300`,
        `[[neurons]]`,
        `name = "${NODE}"`,
        `endpoint = "${neuron.listening.url}"`,
        `auth_token = "${NEURON_TOKEN}"`,
        `[entitlements]`,
        `require_auth = true`,
        `[[entitlements.keys]]`,
        `key = "${ADMIN_KEY}"`,
        `account_id = "ops"`,
        `key_id = "ops-admin"`,
        `role = "admin"`,
        `[[entitlements.keys]]`,
        `key = "${USER_KEY}"`,
        `account_id = "team-a"`,
        `key_id = "alice"`,
        `hard_cap = 200000`,
        `[ledger]`,
        `path = ${JSON.stringify(join(folder, "ledger.sqlite"))}`,
        ``,
      ].join("\n"),
    );
    const cortex = await group.spawn({
      name: "cortex",
      cli: cliOf("@helexa/gateway"),
      args: ["serve", "--config", join(folder, "cortex.toml")],
      timeoutMs: 60_000,
    });
    const cortexUrl = cortex.listening.url;
    await waitFor(
      async () => {
        const response = await fetch(`${cortexUrl}/v1/models`, {
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        });
        const list = (await response.json()) as { data?: Array<{ id: string; loaded: boolean }> };
        return list.data?.some((entry) => entry.id === TINY && entry.loaded) === true ? true : undefined;
      },
      120_000,
      `cortex listing ${TINY} as loaded`,
    );
    return {
      cortexUrl,
      logs: group.logs,
      stop: group.stop,
    };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** One small chat completion through cortex with `key`. */
export async function chat(cortexUrl: string, key: string, model = TINY, stream = false): Promise<Response> {
  return fetch(`${cortexUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model,
      max_tokens: 8,
      temperature: 0,
      stream,
      messages: [{ role: "user", content: "Hi" }],
    }),
  });
}
