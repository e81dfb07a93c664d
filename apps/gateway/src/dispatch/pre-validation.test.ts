import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { type FakeNeuronOptions, modelInfo } from "../test-support/fake-neuron.js";
import { readLoose } from "../test-support/loose-json.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

const withContext = (context: number, extra: FakeNeuronOptions = {}) =>
  neuron({ models: [modelInfo("test-model", { limit: { context, output: 16 } })], ...extra });
const prompt = (chars: number) => ({
  model: "test-model",
  messages: [{ role: "user", content: "x".repeat(chars) }],
});

describe("prompt pre-validation", () => {
  it("refuses an over-long prompt before dispatch, with max, the estimate and the advice header", async () => {
    const upstream = await withContext(50);
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await cortex.post("/v1/chat/completions", prompt(1200), { "user-agent": "litellm/1.0" });
    expect(response.status).toBe(400);
    const envelope = await readLoose(response);
    expect(envelope.error).toMatchObject({
      type: "invalid_request_error",
      code: "context_length_exceeded",
      max: 50,
      estimated_prompt_tokens: 302,
    });
    expect(response.headers.get("x-helexa-advice")).toContain("litellm");
    expect(JSON.stringify(envelope)).not.toContain("litellm");
    expect(upstream.inferenceRequests()).toHaveLength(0);
    expect(await cortex.metricsText()).toMatch(/cortex_refusals_total\{code="context_length_exceeded"\} 1/);
  });

  it("names the field that holds the prompt: messages, prompt or input", async () => {
    const upstream = await withContext(50);
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const long = "x".repeat(1200);
    const cases = [
      { route: "/v1/chat/completions", body: prompt(1200), field: "messages" },
      { route: "/v1/completions", body: { model: "test-model", prompt: long }, field: "prompt" },
      { route: "/v1/responses", body: { model: "test-model", input: long }, field: "input" },
    ];
    for (const { route, body, field } of cases) {
      const envelope = await readLoose(await cortex.post(route, body));
      expect(envelope.error, route).toMatchObject({ code: "context_length_exceeded", param: field });
      expect(envelope.error?.message, route).toContain(`reduce the length of the ${field}.`);
    }
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });

  it("counts a fill-in-the-middle suffix and every /infill field, refusing what cannot fit", async () => {
    const upstream = await withContext(50);
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const long = "x".repeat(1200);
    const cases = [
      { route: "/v1/completions", body: { model: "test-model", prompt: "def f(", suffix: long } },
      { route: "/infill", body: { model: "test-model", input_prefix: "def f(", input_suffix: long } },
      { route: "/infill", body: { model: "test-model", input_extra: [{ filename: "a.py", text: long }] } },
    ];
    for (const { route, body } of cases) {
      const response = await cortex.post(route, body);
      expect(response.status, route).toBe(400);
      expect((await readLoose(response)).error, route).toMatchObject({
        code: "context_length_exceeded",
        param: "prompt",
      });
    }
    expect(upstream.inferenceRequests()).toHaveLength(0);
    expect(
      (await cortex.post("/infill", { model: "test-model", input_prefix: "a", input_suffix: "b" })).status,
    ).toBe(200);
    expect(upstream.inferenceRequests()).toHaveLength(1);
  });

  it("lets a prompt within the context through", async () => {
    const upstream = await withContext(4096);
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    expect((await cortex.post("/v1/chat/completions", prompt(2))).status).toBe(200);
    expect(upstream.inferenceRequests()).toHaveLength(1);
  });

  it("gives unknown clients no advice header", async () => {
    const upstream = await withContext(50);
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    for (const headers of [{}, { "user-agent": "curl/8.0" }] as Record<string, string>[]) {
      const response = await cortex.post("/v1/chat/completions", prompt(1200), headers);
      expect(response.status).toBe(400);
      expect(response.headers.get("x-helexa-advice")).toBeNull();
    }
  });

  it("is skipped when no limit is known", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    expect((await cortex.post("/v1/chat/completions", prompt(100_000))).status).toBe(200);
  });

  it("calibrates the estimate with the neuron's measured characters per token", async () => {
    const health = { models: [{ id: "test-model", in_flight: 0, queue_depth: 0, chars_per_token: 2 }] };
    const calibrated = await withContext(100, { health });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: calibrated.url }] });
    // 300 chars + 8: 77 tokens at the default 4 chars/token, 154 at the measured 2.
    const response = await cortex.post("/v1/chat/completions", prompt(300));
    expect(response.status).toBe(400);
    expect((await readLoose(response)).error?.estimated_prompt_tokens).toBe(154);
    const plain = await withContext(100);
    const uncalibrated = await createTestCortex({ neurons: [{ name: "n", url: plain.url }] });
    expect((await uncalibrated.post("/v1/chat/completions", prompt(300))).status).toBe(200);
  });

  it("routes to a replica whose context holds the prompt instead of refusing", async () => {
    const small = await withContext(50);
    const large = await withContext(4096);
    const cortex = await createTestCortex({
      neurons: [
        { name: "a", url: small.url },
        { name: "b", url: large.url },
      ],
    });
    expect((await cortex.post("/v1/chat/completions", prompt(1200))).status).toBe(200);
    expect(small.inferenceRequests()).toHaveLength(0);
    expect(large.inferenceRequests()).toHaveLength(1);
  });

  it("covers completions and responses too", async () => {
    const upstream = await withContext(50);
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const completions = await cortex.post("/v1/completions", {
      model: "test-model",
      prompt: "y".repeat(1200),
    });
    expect(completions.status).toBe(400);
    const responses = await cortex.post("/v1/responses", { model: "test-model", input: "z".repeat(1200) });
    expect(responses.status).toBe(400);
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });
});
