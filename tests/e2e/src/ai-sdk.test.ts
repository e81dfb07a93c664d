import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { killLeftovers } from "@helexa/test-support";
import { generateText, Output, stepCountIs, streamText, tool } from "ai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { petSchema, weatherArguments } from "./support/schemas.js";
import { type Fleet, startFleet, TINY } from "./support/start-fleet.js";

// The Vercel AI SDK (`ai`) with its OpenAI-compatible provider, unmodified, against cortex's `/v1`.
let fleet: Fleet;
let helexa: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  fleet = await startFleet();
  helexa = createOpenAICompatible({
    name: "helexa",
    baseURL: `${fleet.cortexUrl}/v1`,
    includeUsage: true,
    supportsStructuredOutputs: true,
  });
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
  killLeftovers();
});

beforeEach(() => fleet.assertRunning());
afterEach(() => fleet.assertRunning());

const hello = {
  system: "You are terse.",
  prompt: "Say hello.",
  maxOutputTokens: 16,
  temperature: 0,
  maxRetries: 0,
};

const weatherTool = tool({ description: "Current weather of a city", inputSchema: weatherArguments });

describe("generateText", () => {
  it("returns text, a finish reason and usage", async () => {
    const result = await generateText({ model: helexa(TINY), ...hello });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeLessThanOrEqual(16);
    expect(result.usage.totalTokens).toBe((result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0));
    expect(result.finishReason).toBe(result.usage.outputTokens === 16 ? "length" : "stop");
    expect(result.response.modelId).toBe(TINY);
  });

  it("returns an object that matches the schema with Output.object", async () => {
    const result = await generateText({
      model: helexa(TINY),
      prompt: "Describe a pet.",
      output: Output.object({ schema: petSchema }),
      maxOutputTokens: 300,
      temperature: 0,
      maxRetries: 0,
    });
    expect(petSchema.safeParse(result.output).error).toBeUndefined();
  });
});

describe("streamText", () => {
  it("streams text that adds up to generateText's, then a finish reason and usage", async () => {
    const expected = (await generateText({ model: helexa(TINY), ...hello })).text;
    const result = streamText({ model: helexa(TINY), ...hello });
    let streamed = "";
    let parts = 0;
    for await (const delta of result.textStream) {
      streamed += delta;
      parts += 1;
    }
    expect(parts).toBeGreaterThan(1);
    expect(streamed).toBe(expected);
    expect(await result.text).toBe(expected);
    expect(["stop", "length"]).toContain(await result.finishReason);
    const usage = await result.usage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
  });
});

describe("tools", () => {
  const forced = {
    prompt: "What is the weather in Oslo?",
    tools: { get_weather: weatherTool },
    toolChoice: { type: "tool", toolName: "get_weather" } as const,
    maxOutputTokens: 200,
    temperature: 0,
    maxRetries: 0,
  };

  it("returns a forced tool call with parsed input", async () => {
    const result = await generateText({ model: helexa(TINY), ...forced });
    expect(result.finishReason).toBe("tool-calls");
    const call = result.toolCalls[0];
    expect(call?.toolName).toBe("get_weather");
    expect(call?.toolCallId.length).toBeGreaterThan(0);
    expect(weatherArguments.safeParse(call?.input).error).toBeUndefined();
  });

  it("streams a forced tool call", async () => {
    const result = streamText({ model: helexa(TINY), ...forced });
    const calls = await result.toolCalls;
    expect(await result.finishReason).toBe("tool-calls");
    expect(calls[0]?.toolName).toBe("get_weather");
    expect(weatherArguments.safeParse(calls[0]?.input).error).toBeUndefined();
  });

  it("runs the tool and answers in text on the next step", async () => {
    const seen: unknown[] = [];
    const result = await generateText({
      model: helexa(TINY),
      ...forced,
      tools: {
        get_weather: tool({
          ...weatherTool,
          execute: async (input) => {
            seen.push(input);
            return { temperature_c: 4, sky: "grey" };
          },
        }),
      },
      // Force the call on the first step only; the second step answers with the result.
      prepareStep: ({ stepNumber }) => (stepNumber === 0 ? {} : { toolChoice: "none" }),
      stopWhen: stepCountIs(2),
      maxOutputTokens: 100,
    });
    expect(seen).toHaveLength(1);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe("tool-calls");
    expect(result.steps[0]?.toolResults[0]?.output).toEqual({ temperature_c: 4, sky: "grey" });
    expect(result.text.length).toBeGreaterThan(0);
    expect(["stop", "length"]).toContain(result.finishReason);
  });
});
