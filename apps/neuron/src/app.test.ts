import { connect } from "node:net";
import { buildInfoSchema, discoverySchema, healthSchema, modelListSchema } from "@helexa/core";
import { rawHttpExchange } from "@helexa/test-support";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { GenerationEvent } from "./ipc/generation-event.js";
import type { RunningNeuron } from "./start-neuron.js";
import { type FakeBackend, type FakeScript, fakeFactory } from "./test-support/fake-backend.js";
import { waitFor } from "./test-support/post-json.js";
import { parseSse, sseData } from "./test-support/read-sse.js";
import { startTestNeuron } from "./test-support/start-test-neuron.js";
import { testConfig } from "./test-support/test-config.js";

// HTTP shape, envelopes and queueing against a fake engine; real inference is in routes/*.test.ts.
let neuron: RunningNeuron | undefined;

afterEach(async () => {
  await neuron?.close();
  neuron = undefined;
});

async function start(
  script: FakeScript = {},
  overrides: Record<string, unknown> = {},
  models = [{ id: "fake", path: "/models/fake.gguf", preload: true, sequences: 2 }],
  keepAliveMs?: number,
) {
  const factory = fakeFactory(script);
  neuron = await startTestNeuron(testConfig(models, overrides), {
    factory,
    ...(keepAliveMs === undefined ? {} : { keepAliveMs }),
  });
  return { app: neuron.app, factory };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const init = {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
  return (neuron as RunningNeuron).app.request(path, init);
}

const usage = { promptTokens: 5, completionTokens: 3, cachedTokens: 2, reasoningTokens: 1 };
const chatBody = { model: "fake", messages: [{ role: "user", content: "hi" }] };

describe("monitoring routes", () => {
  it("serve bodies that validate against the core wire schemas", async () => {
    const { app } = await start();
    expect(buildInfoSchema.safeParse(await (await app.request("/version")).json()).success).toBe(true);
    const discovery = discoverySchema.parse(await (await app.request("/discovery")).json());
    expect(discovery.devices).toEqual([]);
    expect(discovery.gpu).toBe("cpu");
    expect(discovery).not.toHaveProperty("cuda_unavailable_reason");
    const health = healthSchema.parse(await (await app.request("/health")).json());
    expect(health.activation.state).toBe("ready");
    expect(health.activation.completed).toEqual(["fake"]);
    expect(health.models).toEqual([
      { id: "fake", status: "loaded", in_flight: 0, queue_depth: 0, max_in_flight: 2, max_queue_depth: 8 },
    ]);
    const models = modelListSchema.parse(await (await app.request("/models")).json());
    expect(models[0]).toMatchObject({
      id: "fake",
      status: "loaded",
      limit: { context: 1024, input: 1022, output: 1022 },
      reasoning: true,
    });
    expect(await (await app.request("/v1/models")).json()).toMatchObject({
      object: "list",
      data: [{ id: "fake", object: "model" }],
    });
    const metrics = await app.request("/metrics");
    expect(await metrics.text()).toContain("neuron_in_flight_requests");
  });

  it("lists no models and is ready when nothing is configured", async () => {
    const { app } = await start({}, {}, []);
    expect(await (await app.request("/models")).json()).toEqual([]);
    const health = healthSchema.parse(await (await app.request("/health")).json());
    expect(health.models).toEqual([]);
    expect(health.activation.state).toBe("ready");
  });
});

describe("bad input becomes an OpenAI envelope", () => {
  it("malformed JSON, wrong types, empty messages, unknown model, unknown route", async () => {
    await start();
    const malformed = await post("/v1/chat/completions", "{not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringContaining("not valid JSON") },
    });
    const wrongType = await post("/v1/chat/completions", {
      model: "fake",
      messages: [{ role: "user", content: "x" }],
      temperature: "hot",
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { param: string } }).error.param).toBe("temperature");
    const noModel = await post("/v1/chat/completions", { messages: [{ role: "user", content: "x" }] });
    expect(((await noModel.json()) as { error: { param: string } }).error.param).toBe("model");
    const empty = await post("/v1/chat/completions", { model: "fake", messages: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { param: string } }).error.param).toBe("messages");
    const unknown = await post("/v1/chat/completions", { ...chatBody, model: "nope", stream: true });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/json/);
    expect(await unknown.json()).toMatchObject({ error: { code: "model_not_found", model_id: "nope" } });
    const route = await (neuron as RunningNeuron).app.request("/v2/nothing");
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: { type: "not_found_error" } });
    const array = await post("/v1/completions", "[1,2]");
    expect(array.status).toBe(400);
    const image = await post("/v1/chat/completions", {
      model: "fake",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:," } }] }],
    });
    expect(await image.json()).toMatchObject({
      error: { code: "vision_unsupported", param: "messages[0].content[0]" },
    });
    // n choices run on the model's sequences at once; more than it has is refused.
    const n = await post("/v1/chat/completions", { ...chatBody, n: 1000 });
    expect(n.status).toBe(400);
    expect(await n.json()).toMatchObject({ error: { param: "n" } });
    const engineRefusal = await post("/v1/chat/completions", {
      model: "fake",
      messages: [{ role: "user", content: "REFUSE" }],
    });
    expect(engineRefusal.status).toBe(400);
  });
});

describe("requests that never became one", () => {
  it("malformed HTTP is a 400 OpenAI envelope; a body its client cut off is not logged as an error", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    neuron = await startTestNeuron(testConfig([{ id: "fake", path: "/models/fake.gguf", preload: true }]), {
      factory: fakeFactory({}),
      logger,
    });
    const malformed = await rawHttpExchange(neuron.port, "NOT HTTP AT ALL\r\n\r\n");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({
      error: { type: "invalid_request_error", code: "malformed_http_request" },
    });
    const port = neuron.port;
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
            'content-length: 100\r\n\r\n{"model"',
          () => setTimeout(() => socket.destroy(), 50),
        );
      });
      socket.on("close", () => setTimeout(resolve, 200));
    });
    expect(lines.filter((line) => line.includes('"level":50'))).toEqual([]);
    const health = await fetch(`${neuron.url}/health`);
    expect(health.status).toBe(200);
  });
});

describe("body limit", () => {
  it("refuses a body over max_body_bytes with 413", async () => {
    await start({}, { max_body_bytes: 64 });
    const response = await post("/v1/chat/completions", {
      model: "fake",
      messages: [{ role: "user", content: "x".repeat(200) }],
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });
});

describe("auth", () => {
  it("requires the bearer token everywhere but the monitoring routes", async () => {
    const { app } = await start({}, { auth_token: "s3cret" });
    expect((await app.request("/health")).status).toBe(200);
    expect((await app.request("/version")).status).toBe(200);
    const denied = await app.request("/models");
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { code: "invalid_api_key" } });
    expect((await app.request("/models", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await app.request("/models", { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
    expect((await post("/v1/chat/completions", chatBody, { authorization: "Bearer s3cret" })).status).toBe(
      200,
    );
  });
});

describe("lifecycle", () => {
  it("loads one model once for concurrent loads and answers its endpoint with an encoded slash", async () => {
    const { app, factory } = await start({}, { models_dir: "/models" }, []);
    const loads = await Promise.all(
      [1, 2, 3].map(() => post("/models/load", { model_id: "org/name", path: "/models/x.gguf" })),
    );
    expect(loads.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(await loads[0]?.json()).toEqual({ status: "loaded" });
    expect(factory.created).toHaveLength(1);
    const endpoint = await app.request("/models/org%2Fname/endpoint");
    expect(endpoint.status).toBe(200);
    expect(((await endpoint.json()) as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await app.request("/models/org%2Fother/endpoint")).status).toBe(404);
  });

  it("a failed load leaves nothing registered and says why; an unknown id without a path is 404", async () => {
    const { app } = await start({}, { models_dir: "/models" }, []);
    const failed = await post("/models/load", { model_id: "broken", path: "/models/missing.gguf" });
    expect(failed.status).toBe(400);
    expect(await failed.json()).toMatchObject({ error: { code: "model_load_failed" } });
    expect(await (await app.request("/models")).json()).toEqual([]);
    const unknown = await post("/models/load", { model_id: "not-a-repo" });
    expect(unknown.status).toBe(404);
    expect((await post("/models/unload", { model_id: "nothing" })).status).toBe(404);
    expect((await post("/models/load", { harness: "x" })).status).toBe(400);
  });

  it("refuses to unload a busy model unless forced; force ends the running stream with an error", async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    await start({
      events: () => [{ type: "delta", content: "first" }],
    });
    const registry = (neuron as RunningNeuron).registry;
    const entry = registry.get("fake");
    // Hold a request running: a stream whose events never finish on their own.
    const backend = entry?.backend as unknown as {
      generate: (...args: unknown[]) => AsyncIterable<GenerationEvent>;
    };
    backend.generate = async function* () {
      yield { type: "delta", content: "first" };
      await gate;
    };
    const streaming = await post("/v1/chat/completions", { ...chatBody, stream: true });
    const text = streaming.text();
    const busy = await post("/models/unload", { model_id: "fake" });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ error: { code: "model_busy" } });
    const forced = await post("/models/unload", { model_id: "fake", force: true });
    expect(forced.status).toBe(200);
    open();
    const data = sseData(parseSse(await text));
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.at(-2)).toMatchObject({ error: { message: "model 'fake' was unloaded" } });
    expect(await (await (neuron as RunningNeuron).app.request("/models")).json()).toEqual([]);
  });

  it("a forced unload while a request starts ends it as a running one (500 naming the unload), even if its worker goes first", async () => {
    await start();
    const registry = (neuron as RunningNeuron).registry;
    const backend = registry.get("fake")?.backend as FakeBackend;
    // A start that never answers; when its worker is ended it fails as a dead worker would.
    backend.start = (_request, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(new Error("model worker exited (code 0)")), {
          once: true,
        });
      });
    const plain = post("/v1/chat/completions", chatBody);
    await waitFor(() => (registry.get("fake")?.admission.inFlight === 1 ? true : undefined));
    expect((await post("/models/unload", { model_id: "fake", force: true })).status).toBe(200);
    const response = await plain;
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: { code: "generation_failed", message: "model 'fake' was unloaded" },
    });
  });

  it("recovers a model whose worker died: recovering, then loaded again", async () => {
    const { app, factory } = await start();
    factory.created[0]?.crash();
    const during = (await (await app.request("/models")).json()) as Array<{ status: string }>;
    expect(["recovering", "loaded"]).toContain(during[0]?.status);
    await (neuron as RunningNeuron).registry.get("fake")?.loading;
    expect(factory.created).toHaveLength(2);
    expect(((await (await app.request("/models")).json()) as Array<{ status: string }>)[0]?.status).toBe(
      "loaded",
    );
    expect((await post("/v1/chat/completions", chatBody)).status).toBe(200);
  });
});

describe("admission paths", () => {
  it("counts and starts in one go when a place is free; otherwise counts first, refusing an over-long prompt before it queues", async () => {
    const { factory } = await start({ contextSize: 64 }, {}, [
      { id: "fake", path: "/models/fake.gguf", preload: true, sequences: 1 },
    ]);
    const backend = factory.created[0] as FakeBackend;
    const entry = (neuron as RunningNeuron).registry.get("fake");
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const generate = backend.generate.bind(backend);
    let generations = 0;
    backend.generate = async function* (request, signal) {
      generations += 1;
      if (generations === 1) await gate;
      yield* generate(request, signal);
    };
    const first = post("/v1/chat/completions", chatBody);
    await waitFor(() => (entry?.admission.inFlight === 1 ? true : undefined));
    expect(backend.started).toBe(1);
    const long = { ...chatBody, messages: [{ role: "user", content: "x".repeat(400) }] };
    const refused = await post("/v1/chat/completions", long);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { code: "context_length_exceeded", param: "messages", prompt_len: 100, max: 62 },
    });
    expect(entry?.admission.queueDepth).toBe(0);
    const second = post("/v1/chat/completions", chatBody);
    await waitFor(() => (entry?.admission.queueDepth === 1 ? true : undefined));
    open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    // The queued request was counted, then generated: only the first went through `start`.
    expect([backend.started, generations]).toEqual([1, 2]);
    // With the place free again, an over-long prompt is refused by `start` itself, the same way.
    const refusedAtOnce = await post("/v1/chat/completions", long);
    expect(refusedAtOnce.status).toBe(400);
    expect(await refusedAtOnce.json()).toMatchObject({
      error: { code: "context_length_exceeded", prompt_len: 100, max: 62 },
    });
    expect([entry?.admission.inFlight, backend.started]).toEqual([0, 1]);
  });
});

describe("projections", () => {
  it("reasoning becomes reasoning_content, tool calls tool_calls, cached tokens are reported", async () => {
    const events: GenerationEvent[] = [
      { type: "delta", reasoning: "thinking" },
      { type: "delta", content: "answer" },
      { type: "tool_call", index: 0, id: "call_a_0", name: "f", arguments: "{}" },
      { type: "tool_call", index: 1, id: "call_a_1", name: "g", arguments: '{"x":1}' },
      { type: "done", finishReason: "tool_calls", usage },
    ];
    await start({ events: () => events });
    const body = (await (await post("/v1/chat/completions", chatBody)).json()) as {
      choices: Array<{ message: Record<string, unknown>; finish_reason: string }>;
      usage: Record<string, unknown>;
    };
    expect(body.choices[0]?.message).toMatchObject({ content: "answer", reasoning_content: "thinking" });
    expect(body.choices[0]?.message.tool_calls).toHaveLength(2);
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(body.usage).toEqual({
      prompt_tokens: 5,
      completion_tokens: 3,
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 2 },
      completion_tokens_details: { reasoning_tokens: 1 },
    });
    const stream = sseData(
      parseSse(await (await post("/v1/chat/completions", { ...chatBody, stream: true })).text()),
    ) as Array<{ choices: Array<{ delta: Record<string, unknown> }> } | "[DONE]">;
    const deltas = stream.filter((item) => item !== "[DONE]").map((item) => item.choices[0]?.delta);
    expect(deltas).toContainEqual({ reasoning_content: "thinking" });
    expect(deltas.filter((delta) => delta?.tool_calls !== undefined)).toHaveLength(2);
    // No usage chunk unless stream_options.include_usage.
    expect(stream.filter((item) => item !== "[DONE]").every((item) => item.choices.length === 1)).toBe(true);
  });

  it("a worker that died or stalled under a whole answer not yet sent: 503 + Retry-After, not 500", async () => {
    await start({
      events: () => [
        { type: "error", message: "model worker stalled (no progress for 3 s)", retryAfterSecs: 2 },
      ],
    });
    const response = await post("/v1/chat/completions", chatBody);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toMatchObject({
      error: { type: "api_error", code: "service_unavailable", message: expect.stringContaining("stalled") },
    });
  });

  it("a failure mid-stream ends with an error object and [DONE]; non-streaming gets a 500 envelope", async () => {
    await start({
      events: () => [
        { type: "delta", content: "par" },
        { type: "error", message: "model worker exited (SIGKILL)" },
      ],
    });
    const data = sseData(
      parseSse(await (await post("/v1/chat/completions", { ...chatBody, stream: true })).text()),
    );
    expect(data.at(-1)).toBe("[DONE]");
    expect(data.at(-2)).toMatchObject({ error: { message: "model worker exited (SIGKILL)" } });
    const plain = await post("/v1/chat/completions", chatBody);
    expect(plain.status).toBe(500);
    expect(await plain.json()).toMatchObject({
      error: { type: "api_error", message: "model worker exited (SIGKILL)" },
    });
    const responses = parseSse(
      await (await post("/v1/responses", { model: "fake", input: "x", stream: true })).text(),
    );
    expect(responses.map((event) => event.event).slice(-2)).toEqual(["error", "response.failed"]);
  });

  it("writes SSE keep-alive comments while the prompt prefills", async () => {
    await start({ delayMs: 300 }, {}, undefined, 30);
    const events = parseSse(await (await post("/v1/chat/completions", { ...chatBody, stream: true })).text());
    expect(events.some((event) => event.comment === "keep-alive")).toBe(true);
    expect(events.at(-1)?.data).toBe("[DONE]");
  });

  it("over a real socket: same stream, keep-alives while quiet, and a client that leaves ends the generation", async () => {
    const { factory } = await start({ delayMs: 300 }, {}, undefined, 30);
    const url = `${(neuron as RunningNeuron).url}/v1/chat/completions`;
    const init = (signal?: AbortSignal) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...chatBody, stream: true }),
      ...(signal === undefined ? {} : { signal }),
    });
    const response = await fetch(url, init());
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = parseSse(await response.text());
    expect(events.some((event) => event.comment === "keep-alive")).toBe(true);
    expect(sseData(events).slice(-2)).toMatchObject([{ choices: [{ finish_reason: "stop" }] }, "[DONE]"]);
    const backend = factory.created[0] as FakeBackend;
    let aborted: Promise<void> = Promise.resolve();
    backend.generate = async function* (_request, signal) {
      aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      yield { type: "delta", content: "first" };
      await aborted;
    };
    const controller = new AbortController();
    const reader = (await fetch(url, init(controller.signal))).body?.getReader();
    await reader?.read();
    controller.abort();
    await aborted;
    const entry = (neuron as RunningNeuron).registry.get("fake");
    await waitFor(() => (entry?.admission.inFlight === 0 ? true : undefined));
  });

  const reasoningScript: FakeScript = {
    events: () => [
      { type: "delta", reasoning: "Think" },
      { type: "delta", reasoning: " twice." },
      { type: "delta", content: "Hi" },
      { type: "delta", content: " there" },
      { type: "done", finishReason: "stop", usage },
    ],
  };

  it("responses return a reasoning model's thinking as a reasoning item before the message", async () => {
    await start(reasoningScript);
    const body = (await (await post("/v1/responses", { model: "fake", input: "x" })).json()) as {
      output: Array<Record<string, unknown>>;
      usage: { output_tokens_details: { reasoning_tokens: number } };
    };
    expect(body.output).toHaveLength(2);
    expect(body.output[0]).toEqual({
      type: "reasoning",
      id: expect.stringMatching(/^rs_/),
      summary: [],
      content: [{ type: "reasoning_text", text: "Think twice." }],
      status: "completed",
    });
    expect(body.output[1]).toMatchObject({
      type: "message",
      content: [{ type: "output_text", text: "Hi there" }],
    });
    expect(body.usage.output_tokens_details.reasoning_tokens).toBe(1);
  });

  it("responses stream the reasoning item, then the message, each with its own output index", async () => {
    await start(reasoningScript);
    const events = parseSse(
      await (await post("/v1/responses", { model: "fake", input: "x", stream: true })).text(),
    )
      .filter((event) => event.event !== undefined)
      .map((event) => JSON.parse(event.data ?? "{}") as Record<string, unknown> & { type: string });
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const of = (type: string) => events.filter((event) => event.type === type);
    expect(of("response.output_item.added").map((event) => event.output_index)).toEqual([0, 1]);
    expect(of("response.reasoning_text.done")[0]).toMatchObject({ output_index: 0, text: "Think twice." });
    expect(of("response.output_text.done")[0]).toMatchObject({ output_index: 1, text: "Hi there" });
    const completed = events.at(-1) as unknown as { response: { output: Array<{ type: string }> } };
    expect(completed.response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
  });

  it("responses stream tool calls without an empty message, as the whole response does", async () => {
    await start({
      events: () => [
        { type: "tool_call", index: 0, id: "call_x_0", name: "f", arguments: '{"a":1}' },
        { type: "done", finishReason: "tool_calls", usage },
      ],
    });
    const events = parseSse(
      await (
        await post("/v1/responses", {
          model: "fake",
          input: "x",
          tools: [{ type: "function", name: "f" }],
          stream: true,
        })
      ).text(),
    )
      .filter((event) => event.event !== undefined)
      .map((event) => JSON.parse(event.data ?? "{}") as Record<string, unknown> & { type: string });
    const completed = events.at(-1) as { type: string; response: { output: Array<{ type: string }> } };
    expect(completed.type).toBe("response.completed");
    expect(completed.response.output.map((item) => item.type)).toEqual(["function_call"]);
    expect(events.find((event) => event.type === "response.output_item.added")?.output_index).toBe(0);
  });

  it("responses put tool calls after the message as function_call items", async () => {
    await start({
      events: () => [
        { type: "tool_call", index: 0, id: "call_x_0", name: "f", arguments: '{"a":1}' },
        { type: "done", finishReason: "tool_calls", usage },
      ],
    });
    const body = (await (
      await post("/v1/responses", { model: "fake", input: "x", tools: [{ type: "function", name: "f" }] })
    ).json()) as { output: Array<Record<string, unknown>> };
    expect(body.output).toEqual([
      {
        type: "function_call",
        id: "fc_x_0",
        call_id: "call_x_0",
        name: "f",
        arguments: '{"a":1}',
        status: "completed",
      },
    ]);
  });
});
