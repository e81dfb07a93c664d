import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { backpressureReply, chatReply } from "../test-support/fake-neuron.js";
import { createGate, waitFor } from "../test-support/gate.js";
import { readLoose } from "../test-support/loose-json.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

const load = (inFlight: number, queue = 0) => ({
  models: [
    { id: "test-model", in_flight: inFlight, queue_depth: queue, max_in_flight: 2, max_queue_depth: 4 },
  ],
});
const chat = { model: "test-model", messages: [{ role: "user", content: "hi" }] };

describe("load routing", () => {
  it("routes to the least busy replica and follows the load when it flips", async () => {
    const a = await neuron({ health: load(4) });
    const b = await neuron({ health: load(0) });
    const cortex = await createTestCortex({
      neurons: [
        { name: "node-a", url: a.url },
        { name: "node-b", url: b.url },
      ],
    });
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([0, 1]);
    a.health = { ...a.health, ...load(0) };
    b.health = { ...b.health, ...load(4) };
    await cortex.poller.pollOnce();
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    expect([a.inferenceRequests().length, b.inferenceRequests().length]).toEqual([1, 1]);
  });

  it("breaks ties by node name", async () => {
    const b = await neuron();
    const a = await neuron();
    const cortex = await createTestCortex({
      neurons: [
        { name: "node-b", url: b.url },
        { name: "node-a", url: a.url },
      ],
    });
    await cortex.post("/v1/chat/completions", chat);
    expect(a.inferenceRequests()).toHaveLength(1);
    expect(b.inferenceRequests()).toHaveLength(0);
  });

  it("spreads a burst between two polls using its own in-flight count", async () => {
    const gate = createGate();
    const slow = async (request: { body: string }) => {
      await gate.promise;
      return chatReply(JSON.parse(request.body).model);
    };
    const a = await neuron({ inference: slow });
    const b = await neuron({ inference: slow });
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
    });
    const burst = Array.from({ length: 6 }, () => cortex.post("/v1/chat/completions", chat));
    await waitFor(() => a.inferenceRequests().length + b.inferenceRequests().length === 6);
    expect(a.inferenceRequests()).toHaveLength(3);
    expect(b.inferenceRequests()).toHaveLength(3);
    gate.open();
    for (const response of await Promise.all(burst)) expect(response.status).toBe(200);
    // finished requests no longer count: the next goes to a again (tie by name)
    expect(cortex.fleet.replicaLoad(cortex.fleet.node("a")!, "test-model")).toBe(0);
  });

  it("moves a request to the next replica when the first answers with backpressure", async () => {
    const a = await neuron({ inference: () => backpressureReply(6) });
    const b = await neuron();
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
    });
    const response = await cortex.post("/v1/chat/completions", chat);
    expect(response.status).toBe(200);
    expect(a.inferenceRequests()).toHaveLength(1);
    expect(b.inferenceRequests()).toHaveLength(1);
    expect(await cortex.metricsText()).toMatch(
      /cortex_retries_total\{model="test-model",node="a",reason="backpressure"\} 1/,
    );
  });

  it("passes the last neuron's 503, Retry-After and envelope through intact when every replica is saturated", async () => {
    const a = await neuron({ inference: () => backpressureReply(9) });
    const b = await neuron({ inference: () => backpressureReply(6) });
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
    });
    const response = await cortex.post("/v1/chat/completions", chat);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("6");
    expect(await readLoose(response)).toEqual({
      error: {
        message: "model is busy (admission queue full); retry shortly",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        param: null,
      },
    });
    expect(a.inferenceRequests()).toHaveLength(1);
    expect(b.inferenceRequests()).toHaveLength(1);
  });

  it("bounds the attempts", async () => {
    const saturated = await Promise.all(
      [1, 2, 3].map(() => neuron({ inference: () => backpressureReply(3) })),
    );
    const cortex = await createTestCortex({
      neurons: saturated.map((entry, index) => ({ name: `n${index}`, url: entry.url })),
      config: { maxAttempts: 2 },
    });
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(503);
    expect(saturated.map((entry) => entry.inferenceRequests().length)).toEqual([1, 1, 0]);
  });

  it("moves on from an unreachable neuron and stops routing there once a connect is refused", async () => {
    const a = await neuron();
    const b = await neuron();
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
    });
    await a.close();
    // The first try may hit a pooled connection the dying server closed; either way b serves it.
    for (let index = 0; index < 2; index++) {
      expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    }
    expect(cortex.fleet.node("a")?.healthy).toBe(false);
    const retries = () => cortex.metrics.retries.get();
    const before = (await retries()).values.reduce((sum, value) => sum + value.value, 0);
    expect((await cortex.post("/v1/chat/completions", chat)).status).toBe(200);
    expect((await retries()).values.reduce((sum, value) => sum + value.value, 0)).toBe(before);
    expect(b.inferenceRequests()).toHaveLength(3);
  });

  it("answers 502 when no replica can be reached", async () => {
    const a = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "a", url: a.url }] });
    await a.close();
    const response = await cortex.post("/v1/chat/completions", chat);
    expect(response.status).toBe(502);
    expect((await readLoose(response)).error).toMatchObject({
      type: "api_error",
      code: "upstream_connection_error",
    });
  });

  it("answers 504 when a neuron accepts but never answers", async () => {
    const a = await neuron({ inference: () => new Promise<Response>(() => {}) });
    const cortex = await createTestCortex({
      neurons: [{ name: "a", url: a.url }],
      config: { upstreamResponseTimeoutMs: 200 },
    });
    const response = await cortex.post("/v1/chat/completions", chat);
    expect(response.status).toBe(504);
    expect((await readLoose(response)).error?.code).toBe("upstream_timeout");
  });

  it("sends nothing new to a draining neuron", async () => {
    const a = await neuron({ health: { draining: true } });
    const b = await neuron({ health: load(1) });
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: a.url },
        { name: "b", url: b.url },
      ],
    });
    await cortex.post("/v1/chat/completions", chat);
    expect(a.inferenceRequests()).toHaveLength(0);
    expect(b.inferenceRequests()).toHaveLength(1);
  });
});
