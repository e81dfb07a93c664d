import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimatePromptTokens } from "./estimate-prompt-tokens.js";
import {
  INFILL_CHUNK_ALLOWANCE_TOKENS,
  promptTokensUpperBound,
  TEMPLATE_ALLOWANCE_TOKENS,
  TOOLS_ALLOWANCE_TOKENS,
} from "./prompt-tokens-upper-bound.js";

describe("promptTokensUpperBound", () => {
  it("is the body's UTF-8 bytes plus the template allowance, for a body, its text or its bytes", () => {
    const body = { model: "m", messages: [{ role: "user", content: "é😀" }] };
    const text = JSON.stringify(body);
    const bytes = new TextEncoder().encode(text);
    expect(promptTokensUpperBound(body)).toBe(bytes.byteLength + TEMPLATE_ALLOWANCE_TOKENS);
    expect(promptTokensUpperBound(text)).toBe(bytes.byteLength + TEMPLATE_ALLOWANCE_TOKENS);
    expect(promptTokensUpperBound(bytes)).toBe(bytes.byteLength + TEMPLATE_ALLOWANCE_TOKENS);
  });

  it("is never below the estimate at one byte per token, the tightest a tokenizer gets (property)", () => {
    const message = fc.record({ role: fc.constantFrom("system", "user", "assistant"), content: fc.string() });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.string(), (messages, prompt) => {
        for (const body of [
          { model: "m", messages },
          { model: "m", prompt },
          { model: "m", input: prompt },
        ]) {
          expect(promptTokensUpperBound(body)).toBeGreaterThanOrEqual(
            estimatePromptTokens(body, { charsPerToken: 1 }),
          );
        }
      }),
    );
  });

  it("adds the tools allowance when the request has tools (read from a parsed body, or told)", () => {
    const body = { model: "m", messages: [], tools: [{ type: "function", function: { name: "f" } }] };
    const bytes = new TextEncoder().encode(JSON.stringify(body)).byteLength;
    expect(promptTokensUpperBound(body)).toBe(bytes + TEMPLATE_ALLOWANCE_TOKENS + TOOLS_ALLOWANCE_TOKENS);
    expect(promptTokensUpperBound(JSON.stringify(body))).toBe(bytes + TEMPLATE_ALLOWANCE_TOKENS);
    expect(promptTokensUpperBound(JSON.stringify(body), { tools: true })).toBe(
      bytes + TEMPLATE_ALLOWANCE_TOKENS + TOOLS_ALLOWANCE_TOKENS,
    );
    expect(promptTokensUpperBound({ ...body, tools: [] })).toBe(
      promptTokensUpperBound({ ...body, tools: [] }, { tools: false }),
    );
  });

  it("adds the separator the neuron puts before each /infill input_extra chunk (read, or told)", () => {
    const body = { model: "m", input_prefix: "a", input_extra: [{ text: "x" }, { text: "y" }] };
    const bytes = new TextEncoder().encode(JSON.stringify(body)).byteLength;
    expect(INFILL_CHUNK_ALLOWANCE_TOKENS).toBeGreaterThanOrEqual("\n\n--- snippet ---\n\n".length);
    expect(promptTokensUpperBound(body)).toBe(
      bytes + TEMPLATE_ALLOWANCE_TOKENS + 2 * INFILL_CHUNK_ALLOWANCE_TOKENS,
    );
    expect(promptTokensUpperBound(JSON.stringify(body), { infillChunks: 2 })).toBe(
      promptTokensUpperBound(body),
    );
    expect(promptTokensUpperBound({ ...body, input_extra: "x" })).toBe(
      new TextEncoder().encode(JSON.stringify({ ...body, input_extra: "x" })).byteLength +
        TEMPLATE_ALLOWANCE_TOKENS,
    );
  });
});
