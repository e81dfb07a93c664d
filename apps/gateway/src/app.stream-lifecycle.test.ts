import { afterEach, describe, expect, it } from "vitest";
import { contentChunk, finishChunk, roleChunk, usageChunk } from "./anthropic/test-support/openai-chunks.js";
import { parseSseFrames } from "./anthropic/test-support/read-sse-frames.js";
import { createTestCortex, type TestCortex } from "./test-support/create-test-cortex.js";
import {
  chatReply,
  type FakeNeuron,
  type InferenceHandler,
  startFakeNeuron,
} from "./test-support/fake-neuron.js";
import { createGate, waitFor } from "./test-support/gate.js";
import { createRecordingEntitlements } from "./test-support/recording-entitlements.js";
import { type SseStep, scriptedSseReply } from "./test-support/scripted-sse-reply.js";
import { serveApp } from "./test-support/serve-app.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Records every uncaught exception and unhandled rejection until the test ends. */
function watchUncaught(): unknown[] {
  const seen: unknown[] = [];
  const listener = (error: unknown) => seen.push(error);
  process.on("uncaughtException", listener);
  process.on("unhandledRejection", listener);
  cleanups.push(() => {
    process.off("uncaughtException", listener);
    process.off("unhandledRejection", listener);
  });
  return seen;
}

/** A fake neuron behind a cortex with the Anthropic routes, served on a real socket. */
async function fleet(
  inference: InferenceHandler,
  config: Parameters<typeof createTestCortex>[0]["config"] = {},
) {
  const neuron: FakeNeuron = await startFakeNeuron({ inference });
  cleanups.push(() => neuron.close());
  const cortex: TestCortex = await createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    anthropic: true,
    config,
  });
  cleanups.push(() => cortex.close());
  const server = await serveApp(cortex);
  cleanups.push(() => server.close());
  const active = () => cortex.fleet.node("n")?.active.get("test-model") ?? 0;
  return { neuron, cortex, url: server.url, active };
}

const messages = (stream: boolean) => ({
  model: "test-model",
  max_tokens: 16,
  stream,
  messages: [{ role: "user", content: "hi" }],
});
const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
const reply: SseStep[] = [
  roleChunk(),
  contentChunk("hello"),
  finishChunk("stop"),
  usageChunk(3, 1),
  "[DONE]",
];

/** Lets late socket events (errors emitted after a destroy) run before the test checks for them. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe("a streamed Anthropic reply over real sockets", () => {
  it("read to the end while the neuron still holds its response open: no crash, the next request works", async () => {
    const uncaught = watchUncaught();
    let cancels = 0;
    const held = createGate();
    cleanups.push(() => held.open());
    const { url, neuron, active } = await fleet((request, hits) => {
      if (hits === 1) return scriptedSseReply([...reply, held.promise], { onCancel: () => cancels++ });
      return JSON.parse(request.body).stream === true ? scriptedSseReply(reply) : chatReply("test-model");
    });
    const first = await post(`${url}/v1/messages`, messages(true));
    expect(first.status).toBe(200);
    const events = parseSseFrames(await first.text()).map((frame) => frame.event);
    expect(events[0]).toBe("message_start");
    expect(events.at(-1)).toBe("message_stop");
    // cortex let go of the neuron's still-open response once the client had the whole reply
    await waitFor(() => cancels === 1 && active() === 0);
    await settle();
    const second = await post(`${url}/v1/messages`, messages(true));
    expect(parseSseFrames(await second.text()).at(-1)?.event).toBe("message_stop");
    const plain = await post(`${url}/v1/messages`, messages(false));
    expect(plain.status).toBe(200);
    await settle();
    expect(neuron.inferenceRequests()).toHaveLength(3);
    expect(uncaught).toEqual([]);
  });

  it("read to the end while the neuron ends its response too: no crash, the next request works", async () => {
    const uncaught = watchUncaught();
    const { url, active } = await fleet(() => scriptedSseReply(reply));
    for (let round = 0; round < 5; round++) {
      const response = await post(`${url}/v1/messages`, messages(true));
      expect(parseSseFrames(await response.text()).at(-1)?.event).toBe("message_stop");
    }
    await waitFor(() => active() === 0);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("a client leaving mid-stream cuts the neuron's request; nothing is thrown, the next request works", async () => {
    const uncaught = watchUncaught();
    let cancels = 0;
    const never = createGate();
    cleanups.push(() => never.open());
    const { url, active } = await fleet((request, hits) => {
      if (hits === 1)
        return scriptedSseReply([roleChunk(), contentChunk("hel"), never.promise], {
          onCancel: () => cancels++,
        });
      return JSON.parse(request.body).stream === true ? scriptedSseReply(reply) : chatReply("test-model");
    });
    const client = new AbortController();
    const response = await post(`${url}/v1/messages`, messages(true), client.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = "";
    while (!seen.includes("content_block_delta")) {
      const { value } = await reader.read();
      seen += new TextDecoder().decode(value);
    }
    client.abort();
    await reader.read().catch(() => undefined);
    await waitFor(() => cancels === 1 && active() === 0);
    await settle();
    const next = await post(`${url}/v1/messages`, messages(false));
    expect(next.status).toBe(200);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("a client leaving before the neuron answered ends the upstream request; the next request works", async () => {
    const uncaught = watchUncaught();
    const late = createGate();
    cleanups.push(() => late.open());
    const { url, neuron, active } = await fleet(async (_request, hits) => {
      if (hits === 1) await late.promise;
      return scriptedSseReply(reply);
    });
    const client = new AbortController();
    const pending = post(`${url}/v1/messages`, messages(true), client.signal).catch(() => "aborted");
    await waitFor(() => neuron.inferenceRequests().length === 1 && active() === 1);
    client.abort();
    expect(await pending).toBe("aborted");
    // cortex gave up on the neuron while it still had not answered
    await waitFor(() => active() === 0);
    late.open();
    const next = await post(`${url}/v1/messages`, messages(true));
    expect(parseSseFrames(await next.text()).at(-1)?.event).toBe("message_stop");
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("a neuron stalling mid-body is cut by the idle timeout: the stream ends with an error event", async () => {
    const uncaught = watchUncaught();
    let cancels = 0;
    const never = createGate();
    cleanups.push(() => never.open());
    const { url, active } = await fleet(
      () =>
        scriptedSseReply([roleChunk(), contentChunk("hel"), never.promise], { onCancel: () => cancels++ }),
      { upstreamIdleTimeoutMs: 300 },
    );
    const response = await post(`${url}/v1/messages`, messages(true));
    const frames = parseSseFrames(await response.text());
    expect(frames[0]?.event).toBe("message_start");
    expect(frames.some((frame) => frame.event === "content_block_delta")).toBe(true);
    expect(frames.at(-1)).toMatchObject({
      event: "error",
      data: { error: { type: "api_error", message: expect.stringContaining("idle timeout") } },
    });
    await waitFor(() => cancels === 1 && active() === 0);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("a neuron that never answers gets a 504 in Anthropic's envelope, not a hang", async () => {
    const uncaught = watchUncaught();
    const never = createGate();
    cleanups.push(() => never.open());
    const { url, active } = await fleet(
      async () => {
        await never.promise;
        return scriptedSseReply(reply);
      },
      { upstreamIdleTimeoutMs: 300 },
    );
    const response = await post(`${url}/v1/messages`, messages(true));
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(active()).toBe(0);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it("a streamed Anthropic reply read to the end settles as ok, with the neuron's usage", async () => {
    const { entitlements, calls } = createRecordingEntitlements();
    const neuron = await startFakeNeuron({ inference: () => scriptedSseReply(reply) });
    cleanups.push(() => neuron.close());
    const cortex = await createTestCortex({
      neurons: [{ name: "n", url: neuron.url }],
      anthropic: true,
      entitlements,
    });
    cleanups.push(() => cortex.close());
    const server = await serveApp(cortex);
    cleanups.push(() => server.close());
    for (let round = 0; round < 2; round++) {
      const response = await post(`${server.url}/v1/messages`, messages(true));
      expect(parseSseFrames(await response.text()).at(-1)?.event).toBe("message_stop");
    }
    await waitFor(() => calls.filter((call) => call.kind === "settle").length === 2);
    const settled = calls.filter((call) => call.kind === "settle");
    for (const call of settled) {
      expect(call).toMatchObject({
        usage: { promptTokens: 3, completionTokens: 1 },
        details: { outcome: "ok", node: "n" },
      });
    }
  });
});
