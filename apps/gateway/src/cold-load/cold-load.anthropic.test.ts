import type { CatalogueModel } from "@helexa/core";
import { afterEach, describe, expect, it } from "vitest";
import { contentChunk, finishChunk, roleChunk, usageChunk } from "../anthropic/test-support/openai-chunks.js";
import { parseSseFrames } from "../anthropic/test-support/read-sse-frames.js";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { createGate } from "../test-support/gate.js";
import { scriptedSseReply } from "../test-support/scripted-sse-reply.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

const profile: CatalogueModel = {
  id: "cold",
  harness: "llama.cpp",
  min_devices: 0,
  pinned_on: [],
  priority: 0,
  capabilities: [],
};

/**
 * A neuron whose load of `cold` waits for the returned gate (then succeeds, or answers 400 when `fails`),
 * behind a cortex with the Anthropic routes whose own pings are far off: any ping during the load comes
 * from the keep-alives.
 */
async function slowLoad(fails = false) {
  const loaded = createGate();
  const neuron: FakeNeuron = await startFakeNeuron({
    models: [],
    inference: () =>
      scriptedSseReply([roleChunk(), contentChunk("hi"), finishChunk("stop"), usageChunk(3, 1), "[DONE]"]),
    load: async (body) => {
      await loaded.promise;
      if (fails) return Response.json({ error: { message: "no such file" } }, { status: 400 });
      neuron.models = [modelInfo(String(body.model_id))];
      return Response.json({ status: "loaded" });
    },
  });
  neurons.push(neuron);
  const cortex = await createTestCortex({
    neurons: [{ name: "cpu", url: neuron.url }],
    catalogue: { models: [profile] },
    config: { keepAliveAfterMs: 50, keepAliveIntervalMs: 20 },
    anthropic: { pingIntervalMs: 3_600_000 },
  });
  return { cortex, loaded };
}

const ask = { model: "cold", max_tokens: 16, stream: true, messages: [{ role: "user", content: "hi" }] };

/** Reads `response` until `text` matches, returning everything read so far and the reader. */
async function readUntil(response: Response, pattern: RegExp) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const chunks: string[] = [];
  while (!pattern.test(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before ${pattern}: ${JSON.stringify(text)}`);
    chunks.push(decoder.decode(value, { stream: true }));
    text += chunks.at(-1);
  }
  const rest = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  };
  return { chunks, rest };
}

describe("a streamed /v1/messages request during a cold load", () => {
  it("gets message_start, then pings for the keep-alives, then the reply: valid Anthropic SSE throughout", async () => {
    const { cortex, loaded } = await slowLoad();
    const response = await cortex.post("/v1/messages", ask);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    // two pings before the load ends: they can only come from cortex's loading keep-alives
    const { chunks, rest } = await readUntil(response, /event: ping[\s\S]*event: ping/);
    expect(chunks[0]?.startsWith("event: message_start\n")).toBe(true);
    loaded.open();
    const text = await rest();
    expect(text).not.toContain("cortex: loading model");
    const events = parseSseFrames(text).map((frame) => frame.event);
    expect(events[0]).toBe("message_start");
    const firstBlock = events.indexOf("content_block_start");
    expect(events.slice(1, firstBlock).every((event) => event === "ping")).toBe(true);
    expect(events.slice(firstBlock)).toEqual([
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("ends with one error event when the load fails after the stream began", async () => {
    const { cortex, loaded } = await slowLoad(true);
    const response = await cortex.post("/v1/messages", ask);
    const { rest } = await readUntil(response, /event: ping/);
    loaded.open();
    const frames = parseSseFrames(await rest());
    expect(frames[0]?.event).toBe("message_start");
    expect(frames.slice(1, -1).every((frame) => frame.event === "ping")).toBe(true);
    expect(frames.at(-1)).toMatchObject({
      event: "error",
      data: { error: { message: expect.stringContaining("no such file") } },
    });
  });
});
