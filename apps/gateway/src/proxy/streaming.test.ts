import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import {
  type FakeNeuron,
  type FakeNeuronOptions,
  sseReply,
  startFakeNeuron,
} from "../test-support/fake-neuron.js";
import { createGate, waitFor } from "../test-support/gate.js";
import { serveApp } from "../test-support/serve-app.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function neuron(options: FakeNeuronOptions = {}): Promise<FakeNeuron> {
  const started = await startFakeNeuron(options);
  cleanups.push(() => started.close());
  return started;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const frame = (content: string) =>
  encoder.encode(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
const streamChat = { model: "test-model", messages: [{ role: "user", content: "hi" }], stream: true };

/** An SSE reply whose frames are released one by one by the test. */
function steppedStream() {
  const gates = [createGate(), createGate(), createGate()];
  let cancelled = false;
  const reply = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(frame("token0"));
          for (const [index, gate] of gates.entries()) {
            await gate.promise;
            if (cancelled) return;
            controller.enqueue(frame(`token${index + 1}`));
          }
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
        },
        cancel() {
          cancelled = true;
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  return { gates, reply, isCancelled: () => cancelled };
}

// Every case runs twice: through `app.request()` (the `Response` path) and over a real socket, where the
// server writes proxied replies straight to Node's response.
describe.each(["app.request", "a real socket"] as const)("streaming proxy via %s", (via) => {
  const post = async (
    cortex: TestCortex,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> => {
    if (via === "app.request") return cortex.post(path, body, headers);
    const server = await serveApp(cortex);
    cleanups.push(() => server.close());
    return fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  };

  it("passes a plain reply through whole: status, body, length, Server-Timing", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await post(cortex, "/v1/chat/completions", {
      model: "test-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ object: "chat.completion" });
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get("server-timing")).toMatch(/^cortex;dur=\d+\.\d{3}$/);
    expect(response.headers.get("x-hono-already-sent")).toBeNull();
  });

  it("adds CORS headers to a browser's stream (which takes the Response path)", async () => {
    const upstream = await neuron({ inference: () => sseReply("test-model", 3, 5) });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await post(cortex, "/v1/chat/completions", streamChat, { origin: "https://app" });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toContain("Server-Timing");
    expect(await response.text()).toContain("token2");
  });

  it("delivers a large stream to a slow reader whole and in order (backpressure, no loss)", async () => {
    const padding = "x".repeat(2000);
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (let index = 0; index < 1000; index++) controller.enqueue(frame(`${index}:${padding}`));
              controller.enqueue(encoder.encode("data: [DONE]\n\n"));
              controller.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await post(cortex, "/v1/chat/completions", streamChat);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // Let the ~2 MB pile up against the client before reading any of it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const indices = [...text.matchAll(/"content":"(\d+):x+"/g)].map((match) => Number(match[1]));
    expect(indices).toEqual(Array.from({ length: 1000 }, (_, index) => index));
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("passes a neuron's error reply through with its status", async () => {
    const upstream = await neuron({
      inference: () =>
        Response.json({ error: { message: "bad", type: "invalid_request_error" } }, { status: 400 }),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await post(cortex, "/v1/chat/completions", streamChat);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: "bad" } });
  });

  it("forwards each SSE frame as it arrives, without buffering, and ends with [DONE]", async () => {
    const stepped = steppedStream();
    const upstream = await neuron({ inference: stepped.reply });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const response = await post(cortex, "/v1/chat/completions", streamChat);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    // The first frame arrives while the neuron still holds the rest.
    while (!text.includes("token0")) text += decoder.decode((await reader.read()).value);
    expect(text).not.toContain("token1");
    for (const gate of stepped.gates) gate.open();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const order = ["token0", "token1", "token2", "token3", "[DONE]"].map((needle) => text.indexOf(needle));
    expect(
      order.every((position, index) => position >= 0 && (index === 0 || position > (order[index - 1] ?? 0))),
    ).toBe(true);
  });

  it("records TTFT, tokens/s and token counters from a stream's usage chunk", async () => {
    const upstream = await neuron({
      inference: () => sseReply("test-model", 5, 20, { prompt_tokens: 225, completion_tokens: 42 }),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const text = await (await post(cortex, "/v1/chat/completions", streamChat)).text();
    expect(text).toContain("token4");
    const metrics = await cortex.metricsText();
    expect(metrics).toMatch(/cortex_time_to_first_token_seconds_count\{model="test-model",node="n"\} 1/);
    expect(metrics).toMatch(/cortex_tokens_per_second_count\{model="test-model",node="n"\} 1/);
    expect(metrics).toMatch(/cortex_prompt_tokens_total\{model="test-model",node="n"\} 225/);
    expect(metrics).toMatch(/cortex_completion_tokens_total\{model="test-model",node="n"\} 42/);
    expect(metrics).not.toMatch(/cortex_request_errors_total\{/);
  });

  it("emits requests, duration and overhead metrics after a plain proxy, and no error series", async () => {
    const upstream = await neuron();
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    await post(cortex, "/v1/chat/completions", {
      model: "test-model",
      messages: [{ role: "user", content: "hi" }],
    });
    const metrics = await cortex.metricsText();
    expect(metrics).toMatch(/cortex_requests_total\{model="test-model",node="n"\} 1/);
    expect(metrics).toMatch(/cortex_request_duration_seconds_count\{model="test-model",node="n"\} 1/);
    expect(metrics).toMatch(/cortex_gateway_overhead_seconds_count\{route="\/v1\/chat\/completions"\} 1/);
    expect(metrics).not.toMatch(/cortex_request_errors_total\{/);
  });

  it("cuts a stalled stream after the idle timeout and ends it with an error event and [DONE]", async () => {
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(frame("token0"));
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      config: { upstreamIdleTimeoutMs: 300 },
    });
    const text = await (await post(cortex, "/v1/chat/completions", streamChat)).text();
    expect(text).toContain("token0");
    expect(text).toContain('"code":"upstream_stream_error"');
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await cortex.metricsText()).toMatch(
      /cortex_request_errors_total\{model="test-model",node="n"\} 1/,
    );
  });

  it("keep-alive comments do not hold off the idle cut: a neuron that only keeps the stream alive is cut", async () => {
    // A neuron whose worker hangs still writes `: keep-alive` comments; only data is progress.
    let timer: NodeJS.Timeout | undefined;
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(frame("token0"));
              timer = setInterval(() => controller.enqueue(encoder.encode(": keep-alive\n\n")), 20);
            },
            cancel() {
              clearInterval(timer);
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    cleanups.push(async () => clearInterval(timer));
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: upstream.url }],
      config: { upstreamIdleTimeoutMs: 300 },
    });
    const text = await (await post(cortex, "/v1/chat/completions", streamChat)).text();
    expect(text).toContain("token0");
    expect(text).toContain(": keep-alive");
    expect(text).toContain('"code":"upstream_stream_error"');
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("ends a Responses stream that fails midway with an error event", async () => {
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(
                encoder.encode('event: response.created\ndata: {"type":"response.created"}\n\n'),
              );
              setTimeout(() => controller.error(new Error("worker died")), 50);
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const text = await (
      await post(cortex, "/v1/responses", { model: "test-model", input: "hi", stream: true })
    ).text();
    expect(text).toContain("response.created");
    expect(text).toMatch(/event: error\ndata: \{"type":"error","code":"upstream_stream_error"/);
  });

  it("numbers a Responses error event after the last event the upstream sent", async () => {
    const events = [
      'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n',
      'event: response.in_progress\ndata: {"type":"response.in_progress","sequence_number":1}\n\n',
    ];
    const upstream = await neuron({
      inference: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (const event of events) controller.enqueue(encoder.encode(event));
              setTimeout(() => controller.error(new Error("worker died")), 50);
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const text = await (
      await post(cortex, "/v1/responses", { model: "test-model", input: "hi", stream: true })
    ).text();
    const last = text.trimEnd().split("\n").at(-1) ?? "";
    expect(JSON.parse(last.replace(/^data: /, ""))).toEqual({
      type: "error",
      code: "upstream_stream_error",
      message: "upstream stream failed",
      param: null,
      sequence_number: 2,
    });
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    const stepped = steppedStream();
    const upstream = await neuron({ inference: stepped.reply });
    const cortex = await createTestCortex({ neurons: [{ name: "n", url: upstream.url }] });
    const server = await serveApp(cortex);
    cleanups.push(() => server.close());
    const client = new AbortController();
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(streamChat),
      signal: client.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    client.abort();
    await waitFor(() => stepped.isCancelled());
    const node = cortex.fleet.node("n");
    await waitFor(() => (node?.active.get("test-model") ?? 0) === 0);
    for (const gate of stepped.gates) gate.open();
  });
});
