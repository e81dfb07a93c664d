import Anthropic from "@anthropic-ai/sdk";
import type {
  MessageCreateParamsNonStreaming,
  Tool,
  ToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages";
import { killLeftovers } from "@helexa/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { holdBusyModel } from "./support/hold-busy-model.js";
import { weatherArguments, weatherToolParameters } from "./support/schemas.js";
import { type Fleet, startFleet, TINY, TINY_BUSY } from "./support/start-fleet.js";

// The official `@anthropic-ai/sdk`, unmodified, against cortex's Anthropic Messages API. Its baseURL is
// cortex itself (the SDK adds `/v1/messages`) and it sends its key as `x-api-key`, which this fleet
// requires (the other files run cortex open).
const API_KEY = "sk-e2e-anthropic";
let fleet: Fleet;
let client: Anthropic;

beforeAll(async () => {
  fleet = await startFleet({ apiKey: API_KEY });
  client = new Anthropic({ baseURL: fleet.cortexUrl, apiKey: API_KEY, maxRetries: 0 });
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

beforeEach(() => fleet.assertRunning());
afterEach(() => fleet.assertRunning());

const weatherTool: Tool = {
  name: "get_weather",
  description: "Current weather of a city",
  input_schema: weatherToolParameters,
};

/**
 * Greedy decoding, so replies can be compared. This SDK version's types no longer list `temperature`,
 * but it sends the body as given and the Messages API (and cortex) still take it.
 */
const greedy = { temperature: 0 };

const hello: MessageCreateParamsNonStreaming = {
  model: TINY,
  system: "You are terse.",
  messages: [{ role: "user", content: "Say hello." }],
  max_tokens: 16,
  ...greedy,
};

/** All prompt tokens of a reply: Anthropic splits them into uncached, cache-read and cache-written. */
function promptTokens(usage: Anthropic.Usage): number {
  return usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

describe("messages", () => {
  it("answers with a text block, a stop reason and usage", async () => {
    const message = await client.messages.create(hello);
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe(TINY);
    expect(message.id.length).toBeGreaterThan(0);
    expect(message.content[0]?.type).toBe("text");
    expect(textOf(message).length).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeLessThanOrEqual(16);
    expect(promptTokens(message.usage)).toBeGreaterThan(0);
    expect(message.stop_reason).toBe(message.usage.output_tokens === 16 ? "max_tokens" : "end_turn");
  });

  it("takes system as text blocks, the same as a string", async () => {
    const asString = await client.messages.create(hello);
    const asBlocks = await client.messages.create({
      ...hello,
      system: [{ type: "text", text: "You are terse." }],
    });
    expect(textOf(asBlocks)).toBe(textOf(asString));
    expect(promptTokens(asBlocks.usage)).toBe(promptTokens(asString.usage));
  });

  it("stops at a stop sequence and names it", async () => {
    const long = textOf(await client.messages.create({ ...hello, max_tokens: 32 }));
    // A character from the middle of the deterministic reply; the reply must end just before it.
    const stop = long.slice(Math.floor(long.length / 2)).match(/[A-Za-z0-9]/)?.[0];
    if (stop === undefined) throw new Error(`no stop candidate in ${JSON.stringify(long)}`);
    const message = await client.messages.create({ ...hello, max_tokens: 32, stop_sequences: [stop] });
    expect(long.startsWith(textOf(message))).toBe(true);
    expect(textOf(message)).not.toContain(stop);
    expect(textOf(message).length).toBeLessThan(long.length);
    expect(message.stop_reason).toBe("stop_sequence");
    expect(message.stop_sequence).toBe(stop);
  });
});

describe("streaming", () => {
  it("streams text through the SDK helpers, matching the non-streamed reply", async () => {
    const expected = textOf(await client.messages.create(hello));
    const stream = client.messages.stream(hello);
    let streamed = "";
    stream.on("text", (delta) => {
      streamed += delta;
    });
    const final = await stream.finalMessage();
    expect(streamed).toBe(expected);
    expect(textOf(final)).toBe(expected);
    expect(["end_turn", "max_tokens"]).toContain(final.stop_reason);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(await stream.finalText()).toBe(expected);
  });

  it("says the prompt's size in message_start, as the final message's usage does", async () => {
    const stream = client.messages.stream(hello);
    const starts: Anthropic.Usage[] = [];
    stream.on("streamEvent", (event) => {
      if (event.type === "message_start") starts.push(event.message.usage);
    });
    const final = await stream.finalMessage();
    expect(starts).toHaveLength(1);
    // Claude Code reads the prompt's size from message_start; which part the cache covers comes later.
    expect(starts[0]?.input_tokens).toBeGreaterThan(0);
    expect(starts[0] === undefined ? 0 : promptTokens(starts[0])).toBe(promptTokens(final.usage));
  });

  it("yields the Messages event sequence to a raw iterator", async () => {
    const stream = await client.messages.create({ ...hello, stream: true });
    const types: string[] = [];
    let stopReason: string | null = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "message_delta") stopReason = event.delta.stop_reason;
    }
    const content = types.filter((type) => type !== "ping");
    expect(content[0]).toBe("message_start");
    expect(content[1]).toBe("content_block_start");
    expect(content).toContain("content_block_delta");
    expect(content.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(["end_turn", "max_tokens"]).toContain(stopReason);
  });
});

describe("tool use", () => {
  const forced: MessageCreateParamsNonStreaming = {
    model: TINY,
    messages: [{ role: "user", content: "What is the weather in Oslo?" }],
    tools: [weatherTool],
    tool_choice: { type: "tool", name: "get_weather" },
    max_tokens: 200,
    ...greedy,
  };

  function toolUseOf(message: Anthropic.Message): ToolUseBlock {
    const block = message.content.find((part): part is ToolUseBlock => part.type === "tool_use");
    if (block === undefined) throw new Error(`no tool_use block in ${JSON.stringify(message.content)}`);
    return block;
  }

  it("returns a forced tool_use block with an object input", async () => {
    const message = await client.messages.create(forced);
    expect(message.stop_reason).toBe("tool_use");
    const block = toolUseOf(message);
    expect(block.name).toBe("get_weather");
    expect(block.id.length).toBeGreaterThan(0);
    expect(weatherArguments.safeParse(block.input).error).toBeUndefined();
  });

  it("streams a forced tool_use block whose input the SDK parses", async () => {
    const stream = client.messages.stream(forced);
    let partialJson = "";
    stream.on("inputJson", (delta) => {
      partialJson += delta;
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    const block = toolUseOf(final);
    expect(block.name).toBe("get_weather");
    expect(weatherArguments.safeParse(block.input).error).toBeUndefined();
    expect(JSON.parse(partialJson)).toEqual(block.input);
  });

  it("takes the tool_result back and answers in text", async () => {
    const first = await client.messages.create(forced);
    const block = toolUseOf(first);
    const answer = await client.messages.create({
      model: TINY,
      tools: [weatherTool],
      messages: [
        ...forced.messages,
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: block.id, content: "4 °C and grey" }],
        },
      ],
      max_tokens: 16,
      ...greedy,
    });
    expect(answer.content.some((part) => part.type === "tool_use")).toBe(false);
    expect(textOf(answer).length).toBeGreaterThan(0);
    expect(["end_turn", "max_tokens"]).toContain(answer.stop_reason);
    expect(promptTokens(answer.usage)).toBeGreaterThan(promptTokens(first.usage));
  });
});

describe("count_tokens", () => {
  it("returns the neuron's exact count for the same conversation", async () => {
    const counted = await client.messages.countTokens({
      model: TINY,
      system: "You are terse.",
      messages: [{ role: "user", content: "Say hello." }],
    });
    expect(Number.isInteger(counted.input_tokens)).toBe(true);
    expect(counted.input_tokens).toBeGreaterThan(0);
    const response = await fetch(`${fleet.neuronUrl}/v1/tokenize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: TINY,
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Say hello." },
        ],
      }),
    });
    expect(((await response.json()) as { tokens: number }).tokens).toBe(counted.input_tokens);
  });

  it("equals the prompt tokens the same request is billed, with and without tools", async () => {
    for (const request of [hello, { ...hello, tools: [weatherTool] }]) {
      const {
        max_tokens: _maxTokens,
        temperature: _temperature,
        ...countable
      } = request as typeof request & typeof greedy;
      const counted = await client.messages.countTokens(countable);
      const message = await client.messages.create(request);
      expect(counted.input_tokens).toBe(promptTokens(message.usage));
    }
  });

  it("grows with the text", async () => {
    const count = async (text: string) =>
      (await client.messages.countTokens({ model: TINY, messages: [{ role: "user", content: text }] }))
        .input_tokens;
    const short = await count("Say hello.");
    const long = await count("Say hello. ".repeat(20));
    expect(long).toBeGreaterThan(short);
    expect(await count("Say hello.")).toBe(short);
  });
});

describe("errors", () => {
  it("raises AuthenticationError for a wrong x-api-key", async () => {
    const stranger = new Anthropic({ baseURL: fleet.cortexUrl, apiKey: "sk-wrong", maxRetries: 0 });
    const error = await stranger.messages.create(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).type).toBe("authentication_error");
    const counted = await stranger.messages
      .countTokens({ model: TINY, messages: hello.messages })
      .catch((caught: unknown) => caught);
    expect(counted).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("gives every reply and refusal a request id the SDK reads (request-id, same as x-request-id)", async () => {
    const { request_id, response } = await client.messages.create(hello).withResponse();
    expect(request_id).toMatch(/^\S+$/);
    expect(response.headers.get("x-request-id")).toBe(request_id);
    expect((await client.messages.create(hello))._request_id).toMatch(/^\S+$/);
    const stream = client.messages.stream(hello);
    await stream.finalMessage();
    expect(stream.request_id).toMatch(/^\S+$/);
    expect(stream.request_id).not.toBe(request_id);
    const error = await client.messages
      .create({ ...hello, model: "no-such-model" })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof Anthropic.APIError>).requestID).toMatch(/^\S+$/);
  });

  it("answers a shared route's refusal in Anthropic's envelope (the SDK sends anthropic-version)", async () => {
    const stranger = new Anthropic({ baseURL: fleet.cortexUrl, apiKey: "sk-wrong", maxRetries: 0 });
    const error = await stranger.models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const apiError = error as InstanceType<typeof Anthropic.AuthenticationError>;
    expect(apiError.type).toBe("authentication_error");
    expect(apiError.requestID).toMatch(/^\S+$/);
    const missing = await client.models.retrieve("no-such-model").catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).type).toBe("not_found_error");
  });

  it("refuses a tool name over 64 characters naming tools.0.name", async () => {
    const error = await client.messages
      .create({ ...hello, tools: [{ ...weatherTool, name: "t".repeat(65) }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.message).toContain("tools.0.name");
    expect(apiError.message).not.toContain("function");
  });

  it("raises BadRequestError when max_tokens is missing", async () => {
    const { max_tokens: _maxTokens, ...withoutMaxTokens } = hello;
    const error = await client.messages
      .create(withoutMaxTokens as MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.type).toBe("invalid_request_error");
    expect(apiError.message).toContain("max_tokens");
  });

  it("raises BadRequestError for an empty messages array", async () => {
    const error = await client.messages.create({ ...hello, messages: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it("raises NotFoundError for an unknown model", async () => {
    const error = await client.messages
      .create({ ...hello, model: "no-such-model" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).type).toBe("not_found_error");
  });

  it("raises OverloadedError (529) with Retry-After when the model is saturated", async () => {
    const held = await holdBusyModel(fleet);
    try {
      const error = await client.messages
        .create({ ...hello, model: TINY_BUSY })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.OverloadedError);
      const apiError = error as InstanceType<typeof Anthropic.OverloadedError>;
      expect(apiError.status).toBe(529);
      expect(apiError.type).toBe("overloaded_error");
      expect(Number(apiError.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

      // The streaming helper surfaces the same refusal.
      const streamed = await client.messages
        .stream({ ...hello, model: TINY_BUSY })
        .finalMessage()
        .catch((caught: unknown) => caught);
      expect(streamed).toBeInstanceOf(Anthropic.OverloadedError);
    } finally {
      await held.release();
    }
  });
});
