import { describe, expect, it } from "vitest";
import { doneEvent, generationEvents, recordSse } from "../test-support/record-sse.js";
import { buildTextCompletion, streamTextCompletion } from "./text-completion-response.js";

const meta = { id: "cmpl-1", created: 1_700_000_000, model: "tiny" };
const usage = { promptTokens: 7, completionTokens: 3, cachedTokens: 2, reasoningTokens: 0 };

describe("text completions", () => {
  it("answer without system_fingerprint (an optional string in OpenAI's schema, never null)", () => {
    const completion = buildTextCompletion(
      {
        content: "hi",
        reasoning: "",
        toolCalls: [],
        finishReason: "stop",
        stopSequence: null,
        usage,
        logprobs: [],
      },
      meta,
    );
    expect(completion).toMatchObject({ object: "text_completion", choices: [{ text: "hi" }] });
    expect(completion).not.toHaveProperty("system_fingerprint");
  });

  it("stream chunks without system_fingerprint", async () => {
    const { sink, frames } = recordSse();
    const events = generationEvents([{ type: "delta", content: "hi" }, doneEvent()]);
    await streamTextCompletion(sink, events, meta, true, new AbortController().signal);
    const chunks = frames.map((frame) => frame.payload).filter((payload) => payload !== "[DONE]");
    expect(chunks).toHaveLength(3); // "hi", finish, usage
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: "text_completion" });
      expect(chunk).not.toHaveProperty("system_fingerprint");
    }
  });

  it("stream usage only in the last chunk when asked: the others leave it out, as the schema has no null", async () => {
    const { sink, frames } = recordSse();
    const events = generationEvents([{ type: "delta", content: "hi" }, doneEvent()]);
    await streamTextCompletion(sink, events, meta, true, new AbortController().signal);
    const chunks = frames.map((frame) => frame.payload).filter((payload) => payload !== "[DONE]");
    for (const chunk of chunks.slice(0, -1)) expect(chunk).not.toHaveProperty("usage");
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
  });
});
