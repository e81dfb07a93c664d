import { afterEach, describe, expect, it } from "vitest";
import { createTestCortex } from "../test-support/create-test-cortex.js";
import { type FakeNeuron, modelInfo, startFakeNeuron } from "../test-support/fake-neuron.js";
import { readLoose } from "../test-support/loose-json.js";
import { scriptedSseReply } from "../test-support/scripted-sse-reply.js";
import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";
import { accumulateAnthropicEvents } from "./test-support/accumulate-anthropic-events.js";
import { contentChunk, finishChunk, roleChunk, usageChunk } from "./test-support/openai-chunks.js";
import { parseSseFrames } from "./test-support/read-sse-frames.js";

const neurons: FakeNeuron[] = [];
afterEach(async () => {
  await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
});

/**
 * A neuron that stops at "b" as helexa's neuron reports it: vLLM's `stop_reason` naming the matched
 * string on the choice (the finish chunk when streaming), `finish_reason: "stop"`.
 */
async function fleet(matched: string | null) {
  const neuron = await startFakeNeuron({
    models: [modelInfo("tiny")],
    inference: (request) => {
      if (JSON.parse(request.body).stream !== true) {
        return Response.json({
          id: "chatcmpl-1",
          object: "chat.completion",
          model: "tiny",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "a" },
              finish_reason: "stop",
              stop_reason: matched,
            },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        });
      }
      return scriptedSseReply([
        { ...roleChunk(), usage: null },
        { ...contentChunk("a"), usage: null },
        { ...finishChunk("stop", matched === null ? {} : { stop_reason: matched }), usage: null },
        usageChunk(3, 1),
        "[DONE]",
      ]);
    },
  });
  neurons.push(neuron);
  const cortex = await createTestCortex({ neurons: [{ name: "n", url: neuron.url }], anthropic: true });
  return { cortex, neuron };
}

const ask = (stream: boolean) => ({
  model: "tiny",
  max_tokens: 16,
  stop_sequences: ["b", "zz"],
  stream,
  messages: [{ role: "user", content: "hi" }],
});

describe("stop sequences on /v1/messages", () => {
  it("passes them to the neuron as stop and names the one it matched (non-streaming)", async () => {
    const { cortex, neuron } = await fleet("b");
    const response = await cortex.post("/v1/messages", ask(false));
    expect(await readLoose(response)).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "b" });
    expect(JSON.parse(neuron.inferenceRequests()[0]?.body ?? "{}").stop).toEqual(["b", "zz"]);
  });

  it("names it from the streamed finish chunk in message_delta", async () => {
    const { cortex } = await fleet("b");
    const frames = parseSseFrames(await (await cortex.post("/v1/messages", ask(true))).text());
    expect(frames.find((frame) => frame.event === "message_delta")?.data).toMatchObject({
      delta: { stop_reason: "stop_sequence", stop_sequence: "b" },
      usage: { output_tokens: 1 },
    });
    const { message, stopped } = accumulateAnthropicEvents(
      frames.map((frame) => frame.data) as AnthropicStreamEvent[],
    );
    expect(stopped).toBe(true);
    expect(message).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "b" });
  });

  it("is end_turn when the neuron names no stop string, streaming or not", async () => {
    const { cortex } = await fleet(null);
    expect(await readLoose(await cortex.post("/v1/messages", ask(false)))).toMatchObject({
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    const frames = parseSseFrames(await (await cortex.post("/v1/messages", ask(true))).text());
    expect(frames.find((frame) => frame.event === "message_delta")?.data).toMatchObject({
      delta: { stop_reason: "end_turn", stop_sequence: null },
    });
  });
});
