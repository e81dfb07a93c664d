import { promptTokensUpperBound } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { backpressureReply, modelInfo, sseReply } from "../test-support/fake-neuron.js";
import { waitFor } from "../test-support/gate.js";
import { readLoose } from "../test-support/loose-json.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";
import { useFakeNeurons } from "../test-support/use-fake-neurons.js";

const neuron = useFakeNeurons();

const KEY = { authorization: "Bearer sk-test" };
const chat = (extra: Record<string, unknown> = {}) => ({
  model: "test-model",
  messages: [{ role: "user", content: "x".repeat(400) }],
  ...extra,
});

describe("budget reservation and settlement", () => {
  it("reserves the prompt's upper bound plus max_tokens, forwards that limit, and settles the reply's usage once", async () => {
    const upstream = await neuron();
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    expect((await cortex.post("/v1/chat/completions", chat({ max_tokens: 100 }), KEY)).status).toBe(200);
    expect(recording.calls[0]).toEqual({
      kind: "reserve",
      identity: { keyId: "key-1", accountId: "acct-1" },
      tokens: promptTokensUpperBound(chat({ max_tokens: 100 })) + 100,
    });
    expect(JSON.parse(upstream.inferenceRequests()[0]?.body ?? "{}")).toMatchObject({
      max_tokens: 100,
      max_completion_tokens: 100,
    });
    expect(recording.calls[1]).toMatchObject({
      kind: "settle",
      usage: { promptTokens: 10, completionTokens: 5 },
      details: { model: "test-model", node: "n", outcome: "ok" },
    });
    expect(recording.calls).toHaveLength(2);
    expect(upstream.inferenceRequests()[0]?.headers["x-helexa-key-id"]).toBe("key-1");
    expect(upstream.inferenceRequests()[0]?.headers["x-helexa-account-id"]).toBe("acct-1");
  });

  it("holds an /infill request's fields, chunk separators and n_predict, and forwards n_predict", async () => {
    const upstream = await neuron();
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const body = {
      model: "test-model",
      input_prefix: "def f(",
      input_suffix: "):",
      input_extra: [{ filename: "a.py", text: "x = 1" }, { text: "y = 2" }],
      n_predict: 64,
    };
    expect((await cortex.post("/infill", body, KEY)).status).toBe(200);
    expect(recording.calls[0]).toMatchObject({
      kind: "reserve",
      tokens: promptTokensUpperBound(JSON.stringify(body), { infillChunks: 2 }) + 64,
    });
    expect(promptTokensUpperBound(JSON.stringify(body), { infillChunks: 2 })).toBeGreaterThan(
      promptTokensUpperBound(JSON.stringify(body)),
    );
    expect(JSON.parse(upstream.inferenceRequests()[0]?.body ?? "{}")).toMatchObject({ n_predict: 64 });
  });

  it("reserves the output limit once per choice when a request asks for n choices (the prompt once)", async () => {
    const upstream = await neuron();
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const body = chat({ max_tokens: 100, n: 3, logprobs: true, top_logprobs: 2, logit_bias: { "42": -100 } });
    expect((await cortex.post("/v1/chat/completions", body, KEY)).status).toBe(200);
    expect(recording.calls[0]).toMatchObject({
      kind: "reserve",
      tokens: promptTokensUpperBound(body) + 3 * 100,
    });
    // The output limit forwarded is per choice, as the neuron applies it.
    expect(JSON.parse(upstream.inferenceRequests()[0]?.body ?? "{}")).toMatchObject({
      max_completion_tokens: 100,
      n: 3,
    });
  });

  it("reserves the model's advertised output limit when the request names none", async () => {
    const upstream = await neuron({
      models: [modelInfo("test-model", { limit: { context: 8192, output: 512 } })],
    });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    await cortex.post("/v1/chat/completions", chat(), KEY);
    expect(recording.calls[0]).toMatchObject({
      kind: "reserve",
      tokens: promptTokensUpperBound(chat()) + 512,
    });
    expect(JSON.parse(upstream.inferenceRequests()[0]?.body ?? "{}").max_completion_tokens).toBe(512);
  });

  it("clamps a max_tokens larger than the model's context (Claude Code sends 32 000) to the context", async () => {
    const upstream = await neuron({
      models: [modelInfo("test-model", { limit: { context: 8192, output: 65_536 } })],
    });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    await cortex.post("/v1/chat/completions", chat({ max_tokens: 32_000 }), KEY);
    expect(recording.calls[0]).toMatchObject({ kind: "reserve", tokens: 8192 });
    const sent = JSON.parse(upstream.inferenceRequests()[0]?.body ?? "{}");
    expect(sent.max_completion_tokens).toBeLessThan(8192);
  });

  it("refuses over the cap with 429 before any neuron is touched", async () => {
    const upstream = await neuron();
    const recording = createRecordingEntitlements({ cap: 10 });
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const response = await cortex.post("/v1/chat/completions", chat({ max_tokens: 1000 }), {
      ...KEY,
      "x-request-id": "client-req-7",
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect(response.headers.get("x-request-id")).toBe("client-req-7");
    expect((await readLoose(response)).error?.code).toBe("insufficient_quota");
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });

  it("never lets a burst of parallel requests spend past the cap", async () => {
    const upstream = await neuron();
    const recording = createRecordingEntitlements({ cap: 1000 });
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => cortex.post("/v1/chat/completions", chat({ max_tokens: 100 }), KEY)),
    );
    const served = responses.filter((response) => response.status === 200).length;
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(20);
    expect(upstream.inferenceRequests()).toHaveLength(served);
    expect(recording.snapshot().reserved).toBe(0);
    expect(recording.snapshot().spent).toBeLessThanOrEqual(1000);
  });

  it("releases the reservation when the neuron answers with an error", async () => {
    const upstream = await neuron({
      inference: () => Response.json({ error: { message: "no" } }, { status: 400 }),
    });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    expect((await cortex.post("/v1/chat/completions", chat(), KEY)).status).toBe(400);
    expect(recording.calls.map((call) => call.kind)).toEqual(["reserve", "release"]);
    expect(recording.calls[1]).toMatchObject({ details: { outcome: "error", node: "n" } });
  });

  it("ends the reservation exactly once across retries, saturation and unreachable neurons", async () => {
    const saturated = await neuron({ inference: () => backpressureReply(4) });
    const healthy = await neuron();
    const recording = createRecordingEntitlements();
    const retried = await createTestCortex({
      neurons: [
        { name: "a", url: saturated.url },
        { name: "b", url: healthy.url },
      ],
      entitlements: recording.entitlements,
    });
    await retried.post("/v1/chat/completions", chat(), KEY);
    const allBusy = await createTestCortex({
      neurons: [{ name: "a", url: saturated.url }],
      entitlements: recording.entitlements,
    });
    expect((await allBusy.post("/v1/chat/completions", chat(), KEY)).status).toBe(503);
    const gone = await neuron();
    const unreachable = await createTestCortex({
      neurons: [{ name: "g", url: gone.url }],
      entitlements: recording.entitlements,
    });
    await gone.close();
    expect((await unreachable.post("/v1/chat/completions", chat(), KEY)).status).toBe(502);
    expect([...recording.endings().values()]).toEqual([1, 1, 1]);
    expect(recording.calls.filter((call) => call.kind === "settle")).toHaveLength(1);
    expect(recording.snapshot().reserved).toBe(0);
  });

  it("settles a metered stream from the usage chunk the client asked for", async () => {
    const upstream = await neuron({
      inference: () => sseReply("test-model", 3, 0, { prompt_tokens: 225, completion_tokens: 42 }),
    });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const body = chat({ stream: true, stream_options: { include_usage: true } });
    const response = await cortex.post("/v1/chat/completions", body, KEY);
    expect(await response.text()).toContain("[DONE]");
    expect(recording.calls.at(-1)).toMatchObject({
      kind: "settle",
      usage: { promptTokens: 225, completionTokens: 42 },
      details: { outcome: "ok" },
    });
  });

  it("never asks a stream for usage the client did not request; a neuron that cannot say is charged estimate plus chunks", async () => {
    const upstream = await neuron({ inference: () => sseReply("test-model", 3, 0) });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const response = await cortex.post("/v1/chat/completions", chat({ stream: true }), KEY);
    expect(await response.text()).toContain("[DONE]");
    const sent = upstream.inferenceRequests()[0];
    expect(JSON.parse(sent?.body ?? "{}").stream_options).toBeUndefined();
    expect(sent?.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBe(sent?.headers["x-request-id"]);
    await waitFor(() => recording.calls.some((call) => call.kind === "settle"));
    const settled = recording.calls.at(-1);
    expect(settled).toMatchObject({
      kind: "settle",
      details: { outcome: "ok", requestId: sent?.headers["x-request-id"] },
    });
    expect(settled?.kind === "settle" && settled.usage.completionTokens).toBeGreaterThan(0);
  });

  it("charges a metered stream cut on cortex's side the whole hold, and its error frame says so", async () => {
    const encoder = new TextEncoder();
    const chunk = { object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "a" } }] };
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
              setTimeout(() => controller.error(new Error("neuron died")), 50);
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const body = chat({ max_tokens: 100, stream: true, stream_options: { include_usage: true } });
    const text = await (await cortex.post("/v1/chat/completions", body, KEY)).text();
    const frames = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => line.slice(6));
    expect(frames.at(-1)).toBe("[DONE]");
    const hold = promptTokensUpperBound(body) + 100;
    const frame = JSON.parse(frames.at(-2) ?? "{}");
    expect(frame).toMatchObject({ error: { type: "api_error", code: "upstream_stream_error" } });
    const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = frame.usage;
    expect(prompt).toBeGreaterThan(0);
    expect(prompt + completion).toBe(hold);
    expect(total).toBe(hold);
    const settles = recording.calls.filter((call) => call.kind === "settle");
    expect(settles).toHaveLength(1);
    expect(settles[0]).toMatchObject({
      usage: { promptTokens: prompt, completionTokens: completion },
      details: { outcome: "error" },
    });
  });

  it("an unmetered stream cut on cortex's side is charged nothing: its error frame carries no usage", async () => {
    const encoder = new TextEncoder();
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode('data: {"choices":[]}\n\n'));
              setTimeout(() => controller.error(new Error("neuron died")), 50);
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const text = await (await cortex.post("/v1/chat/completions", chat({ stream: true }))).text();
    expect(text).toContain('"code":"upstream_stream_error"');
    expect(text).not.toContain('"usage"');
  });

  it("echoes the client's own x-request-id", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await cortex.post("/v1/chat/completions", chat(), { "x-request-id": "client-abc-1" });
    expect(response.headers.get("x-request-id")).toBe("client-abc-1");
    expect(upstream.inferenceRequests()[0]?.headers["x-request-id"]).not.toBe("client-abc-1");
  });

  it("leaves an anonymous stream's body untouched", async () => {
    const upstream = await neuron({ inference: () => sseReply("test-model", 2, 0) });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const raw = JSON.stringify(chat({ stream: true }));
    await (await cortex.post("/v1/chat/completions", raw)).text();
    expect(upstream.inferenceRequests()[0]?.body).toBe(raw);
    expect(recording.calls[0]).toMatchObject({ kind: "reserve", identity: null });
  });

  it("reads Responses usage (input_tokens / output_tokens)", async () => {
    const upstream = await neuron({
      inference: () =>
        Response.json({
          id: "resp-test-001",
          object: "response",
          status: "completed",
          model: "test-model",
          output: [],
          usage: {
            input_tokens: 7,
            output_tokens: 3,
            total_tokens: 10,
            input_tokens_details: { cached_tokens: 0 },
          },
        }),
    });
    const recording = createRecordingEntitlements();
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const response = await cortex.post("/v1/responses", { model: "test-model", input: "hi" }, KEY);
    expect(await readLoose(response)).toMatchObject({ id: "resp-test-001", object: "response" });
    expect(recording.calls.at(-1)).toMatchObject({
      kind: "settle",
      usage: { promptTokens: 7, completionTokens: 3 },
    });
  });

  it("rejects a wrong key with 401 before any neuron and keeps /health public", async () => {
    const upstream = await neuron();
    const recording = createRecordingEntitlements({ requireAuth: true });
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      entitlements: recording.entitlements,
    });
    const wrong = await cortex.post("/v1/chat/completions", chat(), { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect((await readLoose(wrong)).error?.code).toBe("invalid_api_key");
    expect((await cortex.post("/v1/chat/completions", chat())).status).toBe(401);
    expect((await cortex.app.request("/v1/models")).status).toBe(401);
    expect((await cortex.app.request("/health")).status).toBe(200);
    expect((await cortex.app.request("/")).status).toBe(200);
    expect(upstream.inferenceRequests()).toHaveLength(0);
  });
});
