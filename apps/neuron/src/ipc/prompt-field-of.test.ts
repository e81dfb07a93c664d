import { describe, expect, it } from "vitest";
import { chatCompletionRequestSchema } from "../wire/chat-completion-request.js";
import { responsesRequestSchema } from "../wire/responses-request.js";
import { toEngineChatRequest } from "../wire/to-engine-chat-request.js";
import { toEngineResponsesRequest } from "../wire/to-engine-responses-request.js";
import { promptFieldOf } from "./prompt-field-of.js";

const sampling = { temperature: 0, stop: [] };

describe("promptFieldOf", () => {
  it("names the field each API holds the prompt in", () => {
    const chat = chatCompletionRequestSchema.parse({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(promptFieldOf(toEngineChatRequest(chat))).toBe("messages");
    const responses = responsesRequestSchema.parse({ model: "m", input: "hi" });
    expect(promptFieldOf(toEngineResponsesRequest(responses))).toBe("input");
    const completion = {
      kind: "completion",
      prompt: "hi",
      responseFormat: { type: "text" },
      sampling,
    } as const;
    expect(promptFieldOf(completion)).toBe("prompt");
  });
});
