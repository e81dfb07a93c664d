import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { modelInfo } from "../test-support/fake-neuron.js";
import { list, readLoose } from "../test-support/loose-json.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

async function models(cortex: Awaited<ReturnType<typeof createTestCortex>>) {
  const body = await readLoose(await cortex.app.request("/v1/models"));
  expect(body.object).toBe("list");
  return new Map(list(body.data).map((entry) => [String(entry.id), entry]));
}

describe("GET /v1/models", () => {
  it("lists what the neurons report, with one location per node", async () => {
    const upstream = await neuron({
      models: [modelInfo("test-model"), modelInfo("other", { status: "unloaded" })],
    });
    const cortex = await createTestCortex({ neurons: [{ name: "poll-node", url: upstream.url }] });
    const entries = await models(cortex);
    expect([...entries.keys()]).toEqual(["other", "test-model"]);
    expect(entries.get("test-model")).toMatchObject({
      object: "model",
      owned_by: "helexa",
      loaded: true,
      locations: [
        { node: "poll-node", status: "loaded", vram_estimate_mb: null, in_flight: 0, queue_depth: 0 },
      ],
    });
    expect(entries.get("other")?.loaded).toBe(false);
  });

  it("keeps each model's `created` from the first time it was listed, while the clock moves on", async () => {
    const upstream = await neuron({ models: [modelInfo("test-model")] });
    let now = 1_700_000_000_000;
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      now: () => now,
    });
    const first = await models(cortex);
    expect(first.get("test-model")?.created).toBe(1_700_000_000);
    now += 90_000;
    const second = await models(cortex);
    expect(second.get("test-model")?.created).toBe(1_700_000_000);
  });

  it("reads as Anthropic's model list too (type, display_name, created_at, page fields)", async () => {
    const upstream = await neuron({ models: [modelInfo("b-model"), modelInfo("a-model")] });
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      now: () => 1_700_000_000_000,
    });
    const body = await readLoose(await cortex.app.request("/v1/models"));
    expect(body).toMatchObject({ has_more: false, first_id: "a-model", last_id: "b-model" });
    expect(list(body.data)[0]).toMatchObject({
      id: "a-model",
      type: "model",
      display_name: "a-model",
      created_at: "2023-11-14T22:13:20.000Z",
    });
  });

  it("unions capabilities across nodes without duplicates", async () => {
    const a = await neuron({ models: [modelInfo("m", { capabilities: ["text"] })] });
    const b = await neuron({ models: [modelInfo("m", { capabilities: ["text", "vision"] })] });
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
    });
    const entry = (await models(cortex)).get("m");
    expect(entry?.capabilities).toEqual(["text", "vision"]);
    expect(list(entry?.locations)).toHaveLength(2);
  });

  it("advertises the neurons' tightest limit, the catalogue's cost and runtime flags", async () => {
    const a = await neuron({
      models: [
        modelInfo("m", {
          limit: { context: 49152, input: 40960, output: 8192 },
          tool_call: true,
          reasoning: true,
        }),
      ],
    });
    const b = await neuron({ models: [modelInfo("m", { limit: { context: 65536, output: 8192 } })] });
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
      catalogue: {
        models: [
          {
            id: "m",
            harness: "llama.cpp",
            min_devices: 1,
            pinned_on: [],
            priority: 0,
            capabilities: [],
            limit: { context: 999999, output: 1 },
            cost: { input: 0, output: 0 },
          },
        ],
      },
    });
    const entry = (await models(cortex)).get("m");
    expect(entry?.limit).toEqual({ context: 49152, input: 40960, output: 8192 });
    expect(entry?.cost).toEqual({ input: 0, output: 0 });
    expect(entry?.tool_call).toBe(true);
    expect(entry?.reasoning).toBe(true);
    expect(entry && "max_model_len" in entry).toBe(false);
  });

  it("falls back to the catalogue limit and lists feasible nodes for models not loaded anywhere", async () => {
    const upstream = await neuron({ models: [] });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: {
        models: [
          {
            id: "cold",
            harness: "llama.cpp",
            min_devices: 0,
            pinned_on: [],
            priority: 0,
            capabilities: ["text"],
            limit: { context: 2048, output: 256 },
          },
        ],
      },
    });
    expect((await models(cortex)).get("cold")).toMatchObject({
      loaded: false,
      feasible_on: ["cpu"],
      locations: [],
      capabilities: ["text"],
      limit: { context: 2048, output: 256 },
    });
  });

  it("lists pre-warming models as loading", async () => {
    const upstream = await neuron({
      models: [],
      health: {
        activation: { state: "pre_warming", pending: ["p"], in_progress: "q", completed: [], failed: [] },
      },
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const entries = await models(cortex);
    expect(entries.get("q")?.locations).toEqual([{ node: "n", status: "loading", vram_estimate_mb: null }]);
    expect(entries.get("p")?.loaded).toBe(false);
  });

  it("lists aliases mirroring their target", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      catalogue: { aliases: { "helexa/small": "test-model", "helexa/ghost": "nowhere" } },
    });
    const entries = await models(cortex);
    expect(entries.get("helexa/small")).toMatchObject({
      loaded: true,
      alias_of: "test-model",
      locations: [{ node: "n", status: "loaded" }],
    });
    expect(entries.get("test-model")?.aliases).toEqual(["helexa/small"]);
    expect(entries.has("helexa/ghost")).toBe(false);
  });

  it("leaves out unhealthy nodes", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      config: { unhealthyAfterFailures: 1 },
    });
    upstream.failPolls = true;
    await cortex.poller.pollOnce();
    expect((await models(cortex)).size).toBe(0);
  });
});

describe("GET /health", () => {
  it("reports fleet health and per-replica load, without endpoints", async () => {
    const upstream = await neuron({
      health: {
        models: [{ id: "test-model", in_flight: 1, queue_depth: 2, max_in_flight: 2, max_queue_depth: 4 }],
      },
    });
    const cortex = await createTestCortex({ neurons: [{ name: "mock-node", url: upstream.url }] });
    const body = await readLoose(await cortex.app.request("/health"));
    expect(body).toMatchObject({
      status: "ok",
      nodes: { healthy: 1, total: 1 },
      neurons: [
        {
          name: "mock-node",
          healthy: true,
          models: [{ id: "test-model", status: "loaded", in_flight: 1, queue_depth: 2, max_in_flight: 2 }],
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain(upstream.url);
  });

  it("is degraded when no node is healthy", async () => {
    const upstream = await neuron();
    upstream.failPolls = true;
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await cortex.app.request("/");
    expect(response.status).toBe(200);
    expect(await readLoose(response)).toMatchObject({ status: "degraded", nodes: { healthy: 0, total: 1 } });
  });
});
