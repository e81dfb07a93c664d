import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SpawnedCortex, spawnCortex } from "../test-support/spawn-cortex.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

/**
 * Two cortex processes and two real neurons that can load the tiny model (none has it loaded). Gateway A knows only
 * neuron b; gateway B knows both and polls rarely, so its view is stale: it still sees the model unloaded
 * nowhere and, by its own plan, would cold-load it on a (first by name). A load A started on b, in
 * progress or done, must be joined by B instead of loading a second copy on a.
 */
let a: SpawnedNeuron;
let b: SpawnedNeuron;
let gatewayA: SpawnedCortex;
let gatewayB: SpawnedCortex;

async function writeCortexConfig(neurons: Array<{ name: string; url: string }>, pollMs: number) {
  const folder = await mkdtemp(join(tmpdir(), "cortex-cold-"));
  const path = join(folder, "cortex.toml");
  // The catalogue lets cortex cold-load "tiny" (each neuron lists it in its own [[models]], not loaded).
  await writeFile(join(folder, "models.toml"), '[[models]]\nid = "tiny"\n');
  await writeFile(
    path,
    [
      'models_config = "models.toml"',
      "[gateway]",
      'listen = "127.0.0.1:0"',
      'metrics_listen = "127.0.0.1:0"',
      `poll_interval_ms = ${pollMs}`,
      ...neurons.flatMap((neuron) => [
        "[[neurons]]",
        `name = "${neuron.name}"`,
        `endpoint = "${neuron.url}"`,
      ]),
      "",
    ].join("\n"),
  );
  return path;
}

async function statusOn(neuron: SpawnedNeuron): Promise<string | undefined> {
  const models = (await (await fetch(`${neuron.url}/models`)).json()) as Array<{
    id: string;
    status: string;
  }>;
  return models.find((model) => model.id === "tiny")?.status;
}

const chat = (cortex: SpawnedCortex) =>
  fetch(`${cortex.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "Hi" }], max_tokens: 2 }),
  });

beforeAll(async () => {
  [a, b] = await Promise.all([spawnTinyNeuron({ preload: false }), spawnTinyNeuron({ preload: false })]);
  gatewayA = await spawnCortex(await writeCortexConfig([{ name: "b", url: b.url }], 200));
  gatewayB = await spawnCortex(
    await writeCortexConfig(
      [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
      600_000,
    ),
  );
  // Gateway B's one poll (at start) has seen both neurons, with the model on neither.
  for (;;) {
    const health = (await (await fetch(`${gatewayB.url}/health`)).json()) as {
      neurons: Array<{ healthy: boolean }>;
    };
    if (health.neurons.length === 2 && health.neurons.every((node) => node.healthy)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([gatewayA?.stop(), gatewayB?.stop()]);
  await Promise.all([a?.kill(), b?.kill()]);
});

describe("cold loads across two gateways", () => {
  it("a gateway with a stale view joins the load another gateway started instead of loading a second copy", async () => {
    expect(await statusOn(a)).toBeUndefined();
    expect(await statusOn(b)).toBeUndefined();
    const first = chat(gatewayA);
    // Wait until neuron b reports the load A asked for (in progress or already done), then ask B.
    for (;;) {
      const status = await statusOn(b);
      if (status === "loading" || status === "loaded") break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [fromA, fromB] = await Promise.all([first, chat(gatewayB)]);
    expect(fromA.status).toBe(200);
    expect(fromB.status).toBe(200);
    expect(await statusOn(b)).toBe("loaded");
    expect(await statusOn(a)).toBeUndefined();
    expect(gatewayB.lines.some((line) => line.includes('"event":"cold_load_joined"'))).toBe(true);
    expect(gatewayB.lines.some((line) => line.includes('"event":"cold_load_started"'))).toBe(false);
  }, 120_000);
});
