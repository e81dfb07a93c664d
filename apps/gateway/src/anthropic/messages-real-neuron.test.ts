import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCortex, type TestCortex } from "../test-support/create-test-cortex.js";
import { readLoose } from "../test-support/loose-json.js";
import { createRecordingEntitlements } from "../test-support/recording-entitlements.js";
import { serveApp } from "../test-support/serve-app.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";
import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";
import { accumulateAnthropicEvents } from "./test-support/accumulate-anthropic-events.js";
import { parseSseFrames } from "./test-support/read-sse-frames.js";

/** `/v1/messages` on cortex (served on a real socket) in front of a real neuron on the tiny model. */
let neuron: SpawnedNeuron;
let cortex: TestCortex;
let server: { url: string; close(): Promise<void> };
const recording = createRecordingEntitlements();
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  process.on("uncaughtException", onUncaught);
  neuron = await spawnTinyNeuron({});
  cortex = await createTestCortex({
    neurons: [{ name: "n", url: neuron.url }],
    anthropic: true,
    entitlements: recording.entitlements,
  });
  server = await serveApp(cortex);
}, 120_000);

afterAll(async () => {
  await server?.close();
  cortex?.close();
  await neuron?.kill();
  process.off("uncaughtException", onUncaught);
});

const ask = (extra: Record<string, unknown> = {}) => ({
  model: "tiny",
  max_tokens: 24,
  temperature: 0,
  messages: [{ role: "user", content: "Hello" }],
  ...extra,
});

async function post(body: unknown): Promise<Response> {
  return fetch(`${server.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function streamed(body: Record<string, unknown>) {
  const frames = parseSseFrames(await (await post({ ...body, stream: true })).text());
  return accumulateAnthropicEvents(frames.map((frame) => frame.data) as AnthropicStreamEvent[]);
}

const textOf = (content: unknown) =>
  (content as Array<{ type: string; text?: string }>)
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("");

describe("/v1/messages against a real neuron", () => {
  it("streams replies to the end, one after another, settling each as ok with no uncaught error", async () => {
    const plain = await readLoose(await post(ask()));
    for (let round = 0; round < 3; round++) {
      const { message, stopped, error } = await streamed(ask());
      expect(error).toBeUndefined();
      expect(stopped).toBe(true);
      expect(textOf(message.content)).toBe(textOf(plain.content));
    }
    const settled = recording.calls.filter((call) => call.kind === "settle");
    expect(settled).toHaveLength(4);
    expect(settled.map((call) => (call.kind === "settle" ? call.details.outcome : null))).toEqual([
      "ok",
      "ok",
      "ok",
      "ok",
    ]);
    expect(uncaught).toEqual([]);
  });

  it("says the prompt's exact size in message_start, as the non-streamed reply and message_delta do", async () => {
    type Usage = { input_tokens: number; cache_read_input_tokens: number };
    // The whole prompt: what was read fresh plus what the neuron's prompt cache reused.
    const promptOf = (usage: Usage) => usage.input_tokens + usage.cache_read_input_tokens;
    const frames = parseSseFrames(await (await post({ ...ask(), stream: true })).text());
    const events = frames.map((frame) => frame.data) as AnthropicStreamEvent[];
    const start = events[0];
    if (start?.type !== "message_start") throw new Error(`first event ${start?.type}`);
    // Which part the cache covers is known only once generation starts: message_start counts it all
    // as input, message_delta then splits it.
    const counted = promptOf((await readLoose(await post(ask()))).usage as unknown as Usage);
    expect(counted).toBeGreaterThan(0);
    expect(start.message.usage).toMatchObject({ input_tokens: counted, cache_read_input_tokens: 0 });
    expect(promptOf(accumulateAnthropicEvents(events).message.usage as unknown as Usage)).toBe(counted);
  });

  it("stops at a stop sequence and names it, streamed the same as not", async () => {
    const long = textOf((await readLoose(await post(ask()))).content);
    const stop = long.slice(Math.floor(long.length / 2)).match(/[A-Za-z0-9]/)?.[0];
    if (stop === undefined) throw new Error(`no stop candidate in ${JSON.stringify(long)}`);
    const plain = await readLoose(await post(ask({ stop_sequences: [stop] })));
    expect(plain).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: stop });
    expect(long.startsWith(textOf(plain.content))).toBe(true);
    const { message } = await streamed(ask({ stop_sequences: [stop] }));
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: stop });
    expect(textOf(message.content)).toBe(textOf(plain.content));
  });
});
