import Anthropic from "@anthropic-ai/sdk";
import { killLeftovers } from "@helexa/test-support";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fleet, startFleet, TINY } from "./support/start-fleet.js";

// The official SDKs, retries on, against a real cortex with keys: a budget refusal is final
// (`x-should-retry: false`, so neither SDK retries it), and metering adds nothing to a stream.
let fleet: Fleet;
const KEY = "sk-e2e-budget";
const CAPPED = "sk-e2e-capped";

beforeAll(async () => {
  fleet = await startFleet({ apiKey: KEY, cappedKeys: [{ key: CAPPED, hardCap: 10 }] });
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

/** A fetch that counts the requests an SDK makes. */
function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}

describe("a capped key", () => {
  it("fails at once with the OpenAI SDK (429 insufficient_quota, no retry)", async () => {
    const counter = countingFetch();
    const client = new OpenAI({
      baseURL: `${fleet.cortexUrl}/v1`,
      apiKey: CAPPED,
      maxRetries: 3,
      fetch: counter.fetch,
    });
    const error = await client.chat.completions
      .create({ model: TINY, max_tokens: 16, messages: [{ role: "user", content: "Hello" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe("insufficient_quota");
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("x-should-retry")).toBe("false");
    expect(counter.calls()).toBe(1);
  });

  it("fails at once with the Anthropic SDK (429 rate_limit_error, no retry)", async () => {
    const counter = countingFetch();
    const client = new Anthropic({
      baseURL: fleet.cortexUrl,
      apiKey: CAPPED,
      maxRetries: 3,
      fetch: counter.fetch,
    });
    const error = await client.messages
      // What Claude Code sends: a streamed request with max_tokens 32 000.
      .create({
        model: TINY,
        max_tokens: 32_000,
        stream: true,
        messages: [{ role: "user", content: "Hello" }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(counter.calls()).toBe(1);
  });
});

describe("metering with keys on", () => {
  it("streams without a usage chunk the client did not ask for (chunk.choices[0].delta always works)", async () => {
    const client = new OpenAI({ baseURL: `${fleet.cortexUrl}/v1`, apiKey: KEY, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: TINY,
      max_completion_tokens: 16,
      temperature: 0,
      stream: true,
      messages: [{ role: "user", content: "Hello" }],
    });
    let chunks = 0;
    for await (const chunk of stream) {
      expect(chunk.choices[0]?.delta).toBeDefined();
      chunks++;
    }
    expect(chunks).toBeGreaterThan(0);
  });
});
