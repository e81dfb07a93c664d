import type { CatalogueModel } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { type FakeNeuron, type FakeNeuronOptions, modelInfo, sseReply } from "../test-support/fake-neuron.js";
import { createGate, waitFor } from "../test-support/gate.js";
import { readLoose } from "../test-support/loose-json.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

function profile(id: string, extra: Partial<CatalogueModel> = {}): CatalogueModel {
  return { id, harness: "llama.cpp", min_devices: 0, pinned_on: [], priority: 0, capabilities: [], ...extra };
}

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});
const loads = (target: FakeNeuron) => target.requests.filter((request) => request.path === "/models/load");
const unloads = (target: FakeNeuron) =>
  target.requests.filter((request) => request.path === "/models/unload");

/** A GPU neuron: one 24 GB device with `freeMb` free, holding `models`. */
function gpuNeuron(
  freeMb: number,
  models: ReturnType<typeof modelInfo>[],
  load: FakeNeuronOptions["health"] = {},
) {
  return neuron({
    models,
    discovery: { devices: [{ index: 0, name: "GPU", vram_total_mb: 24000, compute_capability: "8.9" }] },
    health: {
      devices: [
        { index: 0, vram_used_mb: 24000 - freeMb, vram_free_mb: freeMb, utilization_pct: 0, temp_c: 40 },
      ],
      ...load,
    },
  });
}

describe("cold load", () => {
  it("loads a catalogue model on demand, then serves the request there", async () => {
    const upstream = await neuron({ models: [] });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("cold", { path: "/models/cold.gguf", context_size: 2048 })] },
    });
    const response = await cortex.post("/v1/chat/completions", ask("cold"));
    expect(response.status).toBe(200);
    expect(JSON.parse(loads(upstream)[0]?.body ?? "{}")).toMatchObject({
      model_id: "cold",
      path: "/models/cold.gguf",
      context_size: 2048,
    });
    expect(upstream.inferenceRequests()).toHaveLength(1);
    const metrics = await cortex.metricsText();
    expect(metrics).toMatch(/cortex_cold_starts_total\{model="cold",node="cpu"\} 1/);
    expect(metrics).toMatch(
      /cortex_cold_load_duration_seconds_count\{model="cold",node="cpu",outcome="ok"\} 1/,
    );
    // the node was re-polled right after the load
    expect(cortex.fleet.node("cpu")?.models.get("cold")?.status).toBe("loaded");
  });

  it("loads a model once for concurrent requests (single-flight)", async () => {
    const gate = createGate();
    let upstream: FakeNeuron | undefined;
    upstream = await neuron({
      models: [],
      load: async (body) => {
        await gate.promise;
        if (upstream) upstream.models = [modelInfo(String(body.model_id))];
        return Response.json({ status: "loaded" });
      },
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("cold")] },
    });
    const pending = Array.from({ length: 3 }, () => cortex.post("/v1/chat/completions", ask("cold")));
    await waitFor(() => loads(upstream).length === 1);
    const listed = await readLoose(await cortex.app.request("/v1/models"));
    expect(JSON.stringify(listed)).toContain('"status":"loading"');
    gate.open();
    for (const response of await Promise.all(pending)) expect(response.status).toBe(200);
    expect(loads(upstream)).toHaveLength(1);
    expect(upstream.inferenceRequests()).toHaveLength(3);
  });

  it("asks a neuron that knows the model but has it unloaded to load it by id", async () => {
    const upstream = await neuron({ models: [modelInfo("lazy", { status: "unloaded" })] });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    expect((await cortex.post("/v1/chat/completions", ask("lazy"))).status).toBe(200);
    expect(JSON.parse(loads(upstream)[0]?.body ?? "{}")).toEqual({ model_id: "lazy" });
  });

  it("evicts the least recently used idle model first when VRAM is short", async () => {
    const upstream = await gpuNeuron(2000, [
      modelInfo("a-model", { vram_used_mb: 8000, devices: [0] }),
      modelInfo("b-model", { vram_used_mb: 8000, devices: [0] }),
    ]);
    const cortex = await createTestCortex({
      neurons: [{ name: "gpu", url: upstream.url }],
      catalogue: { models: [profile("big", { min_devices: 1, vram_mb: 6000 })] },
    });
    // a-model was used just now; b-model never: b goes first even though a sorts first by name
    expect((await cortex.post("/v1/chat/completions", ask("a-model"))).status).toBe(200);
    expect((await cortex.post("/v1/chat/completions", ask("big"))).status).toBe(200);
    expect(unloads(upstream).map((request) => JSON.parse(request.body).model_id)).toEqual(["b-model"]);
    expect(JSON.parse(loads(upstream)[0]?.body ?? "{}")).toMatchObject({ model_id: "big", devices: [0] });
    expect(await cortex.metricsText()).toMatch(/cortex_evictions_total\{model="b-model",node="gpu"\} 1/);
    expect(cortex.fleet.node("gpu")?.evictions).toBe(1);
  });

  it("never evicts a model with requests in flight or a pinned one; 503 + Retry-After instead", async () => {
    const upstream = await gpuNeuron(
      2000,
      [
        modelInfo("busy", { vram_used_mb: 8000, devices: [0] }),
        modelInfo("pinned", { vram_used_mb: 8000, devices: [0] }),
      ],
      { models: [{ id: "busy", in_flight: 1, queue_depth: 0 }] },
    );
    const cortex = await createTestCortex({
      neurons: [{ name: "gpu", url: upstream.url }],
      catalogue: {
        models: [
          profile("pinned", { pinned_on: ["gpu"] }),
          profile("big", { min_devices: 1, vram_mb: 6000 }),
        ],
      },
    });
    const response = await cortex.post("/v1/chat/completions", ask("big"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(unloads(upstream)).toHaveLength(0);
    expect(loads(upstream)).toHaveLength(0);
  });

  it("answers 503 + Retry-After when the load outlasts the wait, and the load goes on", async () => {
    const gate = createGate();
    const upstream = await neuron({
      models: [],
      load: async () => {
        await gate.promise;
        return Response.json({ status: "loaded" });
      },
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("slow")] },
      config: { coldLoadWaitMs: 200 },
    });
    const response = await cortex.post("/v1/chat/completions", ask("slow"));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("10");
    expect((await readLoose(response)).error?.message).toContain("still loading");
    expect(cortex.coldLoader.inProgress()).toEqual([{ model: "slow", node: "cpu" }]);
    gate.open();
    await waitFor(() => cortex.coldLoader.inProgress().length === 0);
  });

  it("keeps a streaming client alive with SSE comments during a slow load, then streams", async () => {
    const gate = createGate();
    let upstream: FakeNeuron | undefined;
    upstream = await neuron({
      models: [],
      inference: () => sseReply("cold", 2, 0),
      load: async (body) => {
        await gate.promise;
        if (upstream) upstream.models = [modelInfo(String(body.model_id))];
        return Response.json({ status: "loaded" });
      },
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("cold")] },
      config: { keepAliveAfterMs: 50, keepAliveIntervalMs: 20 },
    });
    const response = await cortex.post("/v1/chat/completions", ask("cold", { stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(": cortex: loading model");
    gate.open();
    let text = first;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("token1");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("ends a committed stream with an error event when the load fails", async () => {
    const gate = createGate();
    const upstream = await neuron({
      models: [],
      load: async () => {
        await gate.promise;
        return Response.json(
          { error: { message: "no such file", type: "invalid_request_error" } },
          { status: 400 },
        );
      },
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("broken")] },
      config: { keepAliveAfterMs: 50, keepAliveIntervalMs: 20 },
    });
    const response = await cortex.post("/v1/chat/completions", ask("broken", { stream: true }));
    expect(response.status).toBe(200);
    setTimeout(() => gate.open(), 100);
    const text = await response.text();
    expect(text).toContain(": cortex: loading model");
    expect(text).toContain("no such file");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("ends a committed Anthropic stream with api_error, not overloaded_error, when the load fails", async () => {
    const gate = createGate();
    const upstream = await neuron({
      models: [],
      load: async () => {
        await gate.promise;
        return Response.json({ error: { message: "no such file" } }, { status: 400 });
      },
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("broken")] },
      config: { keepAliveAfterMs: 50, keepAliveIntervalMs: 20 },
      anthropic: true,
    });
    const response = await cortex.post("/v1/messages", { ...ask("broken", { stream: true }), max_tokens: 8 });
    expect(response.status).toBe(200);
    setTimeout(() => gate.open(), 100);
    const text = await response.text();
    expect(text).toContain("event: error");
    expect(text).toContain('"type":"api_error"');
    expect(text).toContain("no such file");
    expect(text).not.toContain("overloaded_error");
  });

  it("answers 503 naming the reason when every load fails, without the neuron's file paths", async () => {
    const upstream = await neuron({
      models: [],
      load: () =>
        Response.json(
          { error: { message: "no such file: /srv/secret/models/broken.gguf" } },
          { status: 400 },
        ),
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("broken")] },
    });
    const response = await cortex.post("/v1/chat/completions", ask("broken"));
    expect(response.status).toBe(503);
    const envelope = await readLoose(response);
    expect(envelope.error?.message).toContain("no such file: broken.gguf");
    expect(envelope.error?.message).not.toContain("/srv/secret");
    expect(envelope.error?.code).toBe("model_load_failed");
    expect(await cortex.metricsText()).toMatch(
      /cortex_cold_load_duration_seconds_count\{model="broken",node="cpu",outcome="error"\} 1/,
    );
  });

  it("answers 503 when no node's topology can hold a catalogue model", async () => {
    const upstream = await neuron({ models: [] });
    const cortex = await createTestCortex({
      neurons: [{ name: "cpu", url: upstream.url }],
      catalogue: { models: [profile("gpu-only", { min_devices: 2 })] },
    });
    const response = await cortex.post("/v1/chat/completions", ask("gpu-only"));
    expect(response.status).toBe(503);
    expect((await readLoose(response)).error?.message).toContain("topology");
    expect(loads(upstream)).toHaveLength(0);
  });
});
