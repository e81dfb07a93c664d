import { describe, expect, it } from "vitest";
import { doneEvent, generationEvents, recordSse } from "../test-support/record-sse.js";
import { responsesRequestSchema } from "./responses-request.js";
import type { ResponsesMeta } from "./responses-response.js";
import { streamResponses } from "./stream-responses.js";

const meta: ResponsesMeta = {
  id: "resp_1",
  messageId: "msg_1",
  reasoningId: "rs_1",
  createdAt: 1_700_000_000,
  body: responsesRequestSchema.parse({ model: "tiny", input: "hi" }),
};

async function eventsOf(events: Parameters<typeof generationEvents>[0]) {
  const { sink, frames } = recordSse();
  await streamResponses(sink, generationEvents(events), meta, new AbortController().signal);
  return frames.map((frame) => frame.payload as Record<string, unknown> & { type: string });
}

describe("streamResponses", () => {
  it("gives output_text parts, deltas and dones the logprobs array OpenAI's schema requires", async () => {
    const events = await eventsOf([
      { type: "delta", content: "hel" },
      { type: "delta", content: "lo" },
      doneEvent(),
    ]);
    const byType = (type: string) => events.filter((event) => event.type === type);
    const emptyPart = { type: "output_text", text: "", annotations: [], logprobs: [] };
    const fullPart = { ...emptyPart, text: "hello" };
    expect(byType("response.content_part.added")).toMatchObject([{ part: emptyPart }]);
    expect(byType("response.content_part.done")).toMatchObject([{ part: fullPart }]);
    expect(byType("response.output_item.done")).toMatchObject([{ item: { content: [fullPart] } }]);
    expect(byType("response.output_text.delta").map((event) => event.logprobs)).toEqual([[], []]);
    expect(byType("response.output_text.done")).toMatchObject([{ text: "hello", logprobs: [] }]);
    expect(byType("response.completed")).toMatchObject([
      {
        response: {
          output: [{ content: [fullPart] }],
          usage: { input_tokens_details: { cached_tokens: 2, cache_write_tokens: 0 } },
        },
      },
    ]);
  });

  it("keeps reasoning_text parts as they are (OpenAI's schema gives them no logprobs)", async () => {
    const events = await eventsOf([
      { type: "delta", reasoning: "hmm" },
      { type: "delta", content: "ok" },
      doneEvent(),
    ]);
    const reasoningDone = events.find((event) => event.type === "response.reasoning_text.done");
    expect(reasoningDone).toBeDefined();
    expect(reasoningDone).not.toHaveProperty("logprobs");
    const part = events.find((event) => event.type === "response.content_part.done")?.part;
    expect(part).toEqual({ type: "reasoning_text", text: "hmm" });
  });

  it("names the function in function_call_arguments.done, as the schema requires", async () => {
    const call = { type: "tool_call" as const, index: 0, id: "call_1", name: "get_weather", arguments: "{}" };
    const events = await eventsOf([call, doneEvent("tool_calls")]);
    expect(events.find((event) => event.type === "response.function_call_arguments.done")).toMatchObject({
      item_id: "fc_1",
      name: "get_weather",
      arguments: "{}",
    });
  });

  it("ends a failed generation with an error event, then response.failed without a made-up usage", async () => {
    const events = await eventsOf([
      { type: "delta", content: "hel" },
      { type: "error", message: "worker died" },
    ]);
    const [error, failed] = events.slice(-2);
    expect(error).toEqual({
      type: "error",
      sequence_number: events.length - 2,
      code: "generation_failed",
      message: "worker died",
      param: null,
    });
    expect(failed).toMatchObject({
      type: "response.failed",
      response: { status: "failed", error: { code: "server_error", message: "worker died" } },
    });
    // OpenAI's Response has usage as an optional object, never null; none was counted.
    expect(failed?.response).not.toHaveProperty("usage");
  });

  it("puts what a cut generation is charged in response.failed's usage", async () => {
    const usage = { promptTokens: 5, completionTokens: 2, cachedTokens: 0, reasoningTokens: 0 };
    const events = await eventsOf([
      { type: "delta", content: "hel", tokens: 2 },
      { type: "error", message: "worker died", usage },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "response.failed",
      response: { status: "failed", usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 } },
    });
  });
});
