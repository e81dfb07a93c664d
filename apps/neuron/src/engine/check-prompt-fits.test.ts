import { HelexaError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import { checkPromptFits } from "./check-prompt-fits.js";

function rejection(promptTokens: number, field: "messages" | "prompt" | "input") {
  try {
    checkPromptFits(promptTokens, 64, field);
  } catch (error) {
    if (HelexaError.is(error)) return error;
    throw error;
  }
  return undefined;
}

describe("checkPromptFits", () => {
  it("lets a prompt that fits through", () => {
    expect(rejection(maxPromptTokens(64), "messages")).toBeUndefined();
  });

  it("refuses a longer one with 400 context_length_exceeded naming the field that holds the prompt", () => {
    const max = maxPromptTokens(64);
    for (const field of ["messages", "prompt", "input"] as const) {
      const error = rejection(max + 1, field);
      expect(error).toMatchObject({
        statusCode: 400,
        code: "context_length_exceeded",
        param: field,
        extras: { max, prompt_len: max + 1 },
      });
      expect(error?.message).toContain(`your ${field} resulted in ${max + 1} tokens`);
    }
  });
});
