import { describe, expect, it } from "vitest";
import { clientAdvice } from "./client-advice.js";

const LITELLM =
  "litellm forwards the full context; lower the configured context window or enable client-side compaction";
const AGENT_ZERO = "reduce the conversation/context size or summarize earlier turns before resending";
const ZED = "reduce the assistant context window in Zed's settings";

describe("clientAdvice", () => {
  it.each([
    ["litellm/1.0", LITELLM],
    ["python-requests LiteLLM proxy", LITELLM],
    ["Agent-Zero/0.9", AGENT_ZERO],
    ["agent zero", AGENT_ZERO],
    ["Zed/0.190.4", ZED],
    ["litellm via zed", LITELLM],
  ])("%s", (userAgent, expected) => {
    expect(clientAdvice(userAgent)).toBe(expected);
  });

  it("gives nothing to unknown or missing user agents", () => {
    expect(clientAdvice("curl/8.5.0")).toBeUndefined();
    expect(clientAdvice("")).toBeUndefined();
    expect(clientAdvice(undefined)).toBeUndefined();
    expect(clientAdvice(null)).toBeUndefined();
  });
});
