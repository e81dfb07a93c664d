import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedCortex, spawnCortex } from "../test-support/spawn-cortex.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

/**
 * Two cortex processes sharing one ledger file (its `neuron_registrations` table), neither with a
 * `[[neurons]]` entry. A neuron registers with gateway A only; gateway B reads the live registrations each
 * poll interval and routes to it too, with no config edit. (PostgreSQL shares them the same way across
 * hosts; its store runs the same contract suite.)
 */
const JOIN_TOKEN = "two-gateways-join-secret";
let gatewayA: SpawnedCortex;
let gatewayB: SpawnedCortex;
let neuron: SpawnedNeuron | undefined;

async function names(cortex: SpawnedCortex): Promise<string[]> {
  const body = (await (await fetch(`${cortex.url}/health`)).json()) as {
    neurons: Array<{ name: string; healthy: boolean }>;
  };
  return body.neurons.filter((node) => node.healthy).map((node) => node.name);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), "cortex-join-shared-"));
  const config = async (name: string) => {
    const path = join(folder, `${name}.toml`);
    await writeFile(
      path,
      [
        "[gateway]",
        'listen = "127.0.0.1:0"',
        'metrics_listen = "127.0.0.1:0"',
        "poll_interval_ms = 300",
        "[ledger]",
        `path = ${JSON.stringify(join(folder, "shared-ledger.sqlite"))}`,
        "[join]",
        `token = "${JOIN_TOKEN}"`,
        "ttl_ms = 3000",
        "",
      ].join("\n"),
    );
    return path;
  };
  gatewayA = await spawnCortex(await config("a"));
  gatewayB = await spawnCortex(await config("b"));
}, 60_000);

afterAll(async () => {
  await neuron?.kill("SIGKILL");
  await Promise.all([gatewayA?.stop(), gatewayB?.stop()]);
});

describe("a neuron that joined one gateway", () => {
  it("is routed to by every gateway sharing the store, and dropped by all once it stops renewing", async () => {
    neuron = await spawnTinyNeuron({
      extraToml: ["[join]", `url = "${gatewayA.url}"`, `token = "${JOIN_TOKEN}"`, 'name = "shared-1"'],
      args: [],
    });
    await until(async () => (await names(gatewayB)).includes("shared-1"));
    const response = await fetch(`${gatewayB.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "Hi" }], max_tokens: 2 }),
    });
    expect(response.status).toBe(200);
    expect(gatewayB.lines.some((line) => line.includes('"event":"node_joined"'))).toBe(true);
    expect((await names(gatewayA)).includes("shared-1")).toBe(true);

    // SIGKILL: no leave; the registration expires (ttl 3 s) and both gateways drop the node.
    await neuron.kill("SIGKILL");
    await until(async () => !(await names(gatewayA)).includes("shared-1"));
    await until(async () => {
      const body = (await (await fetch(`${gatewayB.url}/health`)).json()) as { neurons: unknown[] };
      return body.neurons.length === 0;
    });
  }, 120_000);
});
