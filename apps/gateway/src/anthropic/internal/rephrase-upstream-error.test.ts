import { contextLengthExceeded, HelexaError, invalidRequest, renderAnthropicError } from "@helexa/core";
import { describe, expect, it } from "vitest";
import { rephraseUpstreamError } from "./rephrase-upstream-error.js";

describe("rephraseUpstreamError", () => {
  it.each([
    ["tools[0].function.name", "tools.0.name"],
    ["tools[3].function.parameters.properties.city", "tools.3.input_schema.properties.city"],
    ["tools[1].function.description", "tools.1.description"],
    ["tool_choice.function.name", "tool_choice"],
    ["stop[2]", "stop_sequences.2"],
    ["max_completion_tokens", "max_tokens"],
    ["temperature", "temperature"],
    ["response_format.json_schema.schema.items[0]", "output_config.format.schema.items.0"],
    ["messages[4].content", "messages"],
  ])("names %s as the Anthropic field %s", (openAiParam, anthropicParam) => {
    const error = rephraseUpstreamError(invalidRequest(`invalid '${openAiParam}': too long`, openAiParam));
    expect(error.param).toBe(anthropicParam);
    expect(error.message).toBe(`${anthropicParam}: too long`);
    expect(renderAnthropicError(error).body.error).toEqual({
      type: "invalid_request_error",
      message: `${anthropicParam}: too long`,
    });
  });

  it("leaves out a path with no Anthropic counterpart", () => {
    const error = rephraseUpstreamError(invalidRequest("invalid 'logit_bias': bad", "logit_bias"));
    expect(error.param).toBeNull();
    expect(error.message).toBe("bad");
  });

  it("keeps status, type, code and headers' inputs; errors without a param are untouched", () => {
    const limited = contextLengthExceeded(64, 99, false, "messages");
    const rephrased = rephraseUpstreamError(limited);
    expect(rephrased).toMatchObject({
      statusCode: limited.statusCode,
      type: limited.type,
      code: limited.code,
      param: "messages",
      permanent: limited.permanent,
    });
    const bare = new HelexaError({ statusCode: 503, type: "api_error", code: null, message: "busy" });
    expect(rephraseUpstreamError(bare)).toBe(bare);
  });
});
