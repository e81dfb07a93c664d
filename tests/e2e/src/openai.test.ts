import { killLeftovers } from "@helexa/test-support";
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { holdBusyModel } from "./support/hold-busy-model.js";
import {
  counterJsonSchema,
  counterSchema,
  petJsonSchema,
  petSchema,
  weatherArguments,
  weatherToolParameters,
} from "./support/schemas.js";
import { type Fleet, startFleet, TINY, TINY_BUSY, TINY_CONTEXT } from "./support/start-fleet.js";

// The official `openai` SDK, unmodified, against a real cortex in front of a real neuron on the tiny model.
// The model's words are gibberish but deterministic: assert shapes, finish reasons and counts.
let fleet: Fleet;
let client: OpenAI;

beforeAll(async () => {
  fleet = await startFleet();
  client = new OpenAI({ baseURL: `${fleet.cortexUrl}/v1`, apiKey: "none", maxRetries: 0 });
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

beforeEach(() => fleet.assertRunning());
afterEach(() => fleet.assertRunning());

const weatherTool: ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather of a city",
    parameters: weatherToolParameters,
  },
};

const hello: ChatCompletionCreateParamsNonStreaming = {
  model: TINY,
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Say hello." },
  ],
  max_completion_tokens: 16,
  temperature: 0,
};

describe("chat completions", () => {
  it("answers with an assistant message, a finish reason and consistent usage", async () => {
    const completion = await client.chat.completions.create(hello);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe(TINY);
    const choice = completion.choices[0];
    expect(choice?.message.role).toBe("assistant");
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeLessThanOrEqual(16);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    // A reply cut by the budget says so; one that ended by itself says stop.
    expect(choice?.finish_reason).toBe(usage?.completion_tokens === 16 ? "length" : "stop");
  });

  it("is deterministic at temperature 0", async () => {
    const first = await client.chat.completions.create(hello);
    const second = await client.chat.completions.create(hello);
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
  });

  it("accepts a prompt that fits the context after other requests calibrated the estimate", async () => {
    // ~1000 prompt tokens in a 2048 context. First a request with tools and a short chat (the neuron
    // measures characters per prompt token from them), then a pause longer than cortex's 200 ms poll
    // so cortex routes the long one with that measurement.
    await client.chat.completions.create({
      model: TINY,
      messages: [{ role: "user", content: "Weather?" }],
      tools: [weatherTool],
      max_completion_tokens: 4,
    });
    await client.chat.completions.create(hello);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const completion = await client.chat.completions.create({
      model: TINY,
      messages: [{ role: "user", content: "abcdefghij ".repeat(90) }],
      max_completion_tokens: 4,
    });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(900);
    expect(completion.usage?.prompt_tokens).toBeLessThan(TINY_CONTEXT);
  });

  it("streams deltas that add up to the non-streamed reply, one finish reason, then usage", async () => {
    const expected = (await client.chat.completions.create(hello)).choices[0]?.message.content;
    const stream = await client.chat.completions.create({
      ...hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    const finishReasons: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      expect(chunk.object).toBe("chat.completion.chunk");
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? "";
        if (choice.finish_reason !== null) finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(expected);
    expect(finishReasons).toHaveLength(1);
    expect(["stop", "length"]).toContain(finishReasons[0]);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it("works with the SDK's stream helper (content events and the final completion)", async () => {
    const { stream: _stream, ...params } = hello;
    const stream = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
    let streamed = "";
    stream.on("content", (delta) => {
      streamed += delta;
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(streamed);
    expect(streamed.length).toBeGreaterThan(0);
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });
});

describe("tool calls", () => {
  const forced = {
    model: TINY,
    messages: [{ role: "user" as const, content: "What is the weather in Oslo?" }],
    tools: [weatherTool],
    tool_choice: { type: "function" as const, function: { name: "get_weather" } },
    max_completion_tokens: 200,
    temperature: 0,
  };

  it("returns a forced call with finish_reason tool_calls and JSON arguments", async () => {
    const completion = await client.chat.completions.create(forced);
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.id.length).toBeGreaterThan(0);
    expect(call.function.name).toBe("get_weather");
    expect(weatherArguments.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
  });

  it("streams a forced call that the SDK assembles into the same call", async () => {
    const stream = client.chat.completions.stream(forced);
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(weatherArguments.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
  });

  it("takes the tool result back and answers in text", async () => {
    const first = await client.chat.completions.create(forced);
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== "function") throw new Error("expected a function call");
    const answer = await client.chat.completions.create({
      model: TINY,
      messages: [
        ...forced.messages,
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: JSON.stringify({ temperature_c: 4, sky: "grey" }) },
      ],
      tools: [weatherTool],
      max_completion_tokens: 16,
      temperature: 0,
    });
    const choice = answer.choices[0];
    expect(choice?.message.tool_calls ?? []).toHaveLength(0);
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(choice?.finish_reason);
    // The call and its result are part of the prompt: more tokens than the question with the tools alone.
    expect(answer.usage?.prompt_tokens).toBeGreaterThan(first.usage?.prompt_tokens ?? 0);
  });
});

describe("structured output", () => {
  it("returns content that parses and validates against a strict json_schema", async () => {
    const completion = await client.chat.completions.create({
      model: TINY,
      messages: [{ role: "user", content: "Describe a pet as JSON." }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "pet", schema: petJsonSchema, strict: true },
      },
      max_completion_tokens: 300,
      temperature: 0,
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    const content = completion.choices[0]?.message.content ?? "";
    expect(petSchema.safeParse(JSON.parse(content)).error).toBeUndefined();
  });

  it("returns a JSON integer for an integer property", async () => {
    const completion = await client.chat.completions.create({
      model: TINY,
      messages: [{ role: "user", content: "Count to three." }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "counter", schema: counterJsonSchema, strict: true },
      },
      max_completion_tokens: 200,
      temperature: 0,
    });
    const content = completion.choices[0]?.message.content ?? "";
    expect(content).not.toMatch(/[eE.]/);
    expect(counterSchema.safeParse(JSON.parse(content)).error).toBeUndefined();
  });

  it("works with the SDK's zodResponseFormat and parse()", async () => {
    const completion = await client.chat.completions.parse({
      model: TINY,
      messages: [{ role: "user", content: "Describe a pet as JSON." }],
      response_format: zodResponseFormat(petSchema, "pet"),
      max_completion_tokens: 300,
      temperature: 0,
    });
    const parsed = completion.choices[0]?.message.parsed;
    expect(parsed).not.toBeNull();
    expect(petSchema.safeParse(parsed).success).toBe(true);
  });
});

describe("responses", () => {
  it("creates a response with output_text and usage", async () => {
    const response = await client.responses.create({
      model: TINY,
      instructions: "You are terse.",
      input: "Say hello.",
      max_output_tokens: 16,
      temperature: 0,
    });
    expect(response.object).toBe("response");
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0),
    );
    if (response.status === "incomplete") {
      expect(response.incomplete_details?.reason).toBe("max_output_tokens");
      expect(response.usage?.output_tokens).toBe(16);
    } else {
      expect(response.status).toBe("completed");
    }
  });

  it("streams events from response.created to response.completed", async () => {
    const stream = await client.responses.create({
      model: TINY,
      input: "Describe a pet as JSON.",
      text: { format: { type: "json_schema", name: "pet", schema: petJsonSchema, strict: true } },
      max_output_tokens: 300,
      temperature: 0,
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-1)).toBe("response.completed");
    expect(completed?.status).toBe("completed");
    expect(completed?.output_text ?? text).toBe(text);
    expect(petSchema.safeParse(JSON.parse(text)).error).toBeUndefined();
    expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("works with the SDK's responses.stream helper and finalResponse()", async () => {
    const stream = client.responses.stream({
      model: TINY,
      input: "Say hello.",
      max_output_tokens: 16,
      temperature: 0,
    });
    let deltas = "";
    stream.on("response.output_text.delta", (event) => {
      deltas += event.delta;
    });
    // Cut at max_output_tokens, the stream ends with `response.incomplete` as OpenAI's does; this SDK's
    // finalResponse() then returns its own snapshot (no usage), so usage is read from that event.
    let incompleteUsage: number | undefined;
    stream.on("response.incomplete", (event) => {
      incompleteUsage = event.response.usage?.output_tokens;
      expect(event.response.incomplete_details?.reason).toBe("max_output_tokens");
    });
    const final = await stream.finalResponse();
    expect(deltas.length).toBeGreaterThan(0);
    const message = final.output.find((item) => item.type === "message");
    const text = message?.content.map((part) => (part.type === "output_text" ? part.text : "")).join("");
    expect(text).toBe(deltas);
    expect(incompleteUsage).toBe(16);
  });
});

describe("legacy completions", () => {
  it("completes a prompt", async () => {
    const completion = await client.completions.create({
      model: TINY,
      prompt: "Once upon a time",
      max_tokens: 8,
      temperature: 0,
    });
    expect(completion.object).toBe("text_completion");
    const choice = completion.choices[0];
    expect(choice?.text.length).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(choice?.finish_reason);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams a completion whose pieces add up to the non-streamed text", async () => {
    const params = { model: TINY, prompt: "Once upon a time", max_tokens: 8, temperature: 0 };
    const expected = (await client.completions.create(params)).choices[0]?.text;
    const stream = await client.completions.create({ ...params, stream: true });
    let text = "";
    const finishReasons: string[] = [];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.text;
        if (choice.finish_reason) finishReasons.push(choice.finish_reason);
      }
    }
    expect(text).toBe(expected);
    expect(finishReasons).toHaveLength(1);
  });
});

describe("models", () => {
  it("lists the tiny models", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining([TINY, TINY_BUSY]));
  });

  it("retrieves one model by id", async () => {
    const model = await client.models.retrieve(TINY);
    expect(model.id).toBe(TINY);
    expect(model.object).toBe("model");
  });
});

describe("errors", () => {
  it("raises BadRequestError for an empty messages array, naming the param", async () => {
    const error = await client.chat.completions
      .create({ model: TINY, messages: [], max_completion_tokens: 4 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages");
  });

  it("raises BadRequestError with context_length_exceeded for a prompt over the context", async () => {
    const error = await client.chat.completions
      .create({
        model: TINY,
        messages: [{ role: "user", content: "word ".repeat(TINY_CONTEXT * 2) }],
        max_completion_tokens: 4,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
  });

  it("raises NotFoundError for an unknown model", async () => {
    const error = await client.chat.completions
      .create({
        model: "no-such-model",
        messages: [{ role: "user", content: "hi" }],
        max_completion_tokens: 4,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
  });

  it("raises InternalServerError 503 with Retry-After when the model is saturated", async () => {
    const held = await holdBusyModel(fleet);
    try {
      const error = await client.chat.completions
        .create({ model: TINY_BUSY, messages: [{ role: "user", content: "hi" }], max_completion_tokens: 4 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      const apiError = error as InstanceType<typeof OpenAI.InternalServerError>;
      expect(apiError.status).toBe(503);
      expect(Number(apiError.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    } finally {
      await held.release();
    }
    // Once the slot is free the same request succeeds.
    const after = await client.chat.completions.create({
      model: TINY_BUSY,
      messages: [{ role: "user", content: "hi" }],
      max_completion_tokens: 4,
    });
    expect(after.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });
});
