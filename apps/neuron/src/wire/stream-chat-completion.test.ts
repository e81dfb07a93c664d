import { describe, expect, it } from "vitest";
import { doneEvent, generationEvents, recordSse } from "../test-support/record-sse.js";
import { streamChatCompletion } from "./stream-chat-completion.js";

const meta = { id: "chatcmpl-1", created: 1_700_000_000, model: "tiny" };

describe("streamChatCompletion", () => {
  it("sends chunks without system_fingerprint (an optional string in OpenAI's schema, never null)", async () => {
    const { sink, frames } = recordSse();
    const events = generationEvents([{ type: "delta", content: "hi" }, doneEvent()]);
    await streamChatCompletion(sink, events, meta, true, new AbortController().signal);
    const chunks = frames.map((frame) => frame.payload).filter((payload) => payload !== "[DONE]");
    expect(chunks).toHaveLength(4); // role, "hi", finish, usage
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: "chat.completion.chunk" });
      expect(chunk).not.toHaveProperty("system_fingerprint");
    }
    expect(frames.at(-1)?.payload).toBe("[DONE]");
  });
});
