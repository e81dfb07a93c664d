import { describe, expect, it } from "vitest";
import type { AnthropicStreamEvent } from "./anthropic-stream-event.js";
import { createAnthropicStreamTranslator } from "./create-anthropic-stream-translator.js";
import { accumulateAnthropicEvents } from "./test-support/accumulate-anthropic-events.js";
import {
  contentChunk,
  finishChunk,
  reasoningChunk,
  roleChunk,
  toolArgumentsChunk,
  toolCallStartChunk,
  usageChunk,
} from "./test-support/openai-chunks.js";

function translate(chunks: unknown[], options = { model: "tiny", stopSequences: [] as string[] }) {
  const translator = createAnthropicStreamTranslator(options);
  const events: AnthropicStreamEvent[] = [...translator.start()];
  for (const chunk of chunks) events.push(...translator.push(chunk));
  events.push(...translator.finish());
  return events;
}

const types = (events: AnthropicStreamEvent[]) => events.map((event) => event.type);

describe("createAnthropicStreamTranslator", () => {
  it("streams text in Anthropic's exact event sequence", () => {
    const events = translate([
      roleChunk(),
      contentChunk("Hel"),
      contentChunk("lo"),
      finishChunk("stop"),
      usageChunk(12, 2),
    ]);
    expect(types(events)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0]).toMatchObject({
      message: { type: "message", role: "assistant", model: "tiny", content: [], stop_reason: null },
    });
    expect(events[1]).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "text", text: "" },
    });
    expect(events[2]).toEqual({
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: "Hel" },
    });
    expect(events[5]).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 2, input_tokens: 12, cache_read_input_tokens: 0 },
    });
    const { message } = accumulateAnthropicEvents(events);
    expect(message.content).toEqual([{ type: "text", text: "Hello" }]);
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 2 });
  });

  it("streams thinking then text as two blocks", () => {
    const events = translate([
      reasoningChunk("Let me "),
      reasoningChunk("think."),
      contentChunk("42"),
      finishChunk("stop"),
    ]);
    const { message } = accumulateAnthropicEvents(events);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Let me think.", signature: "" },
      { type: "text", text: "42" },
    ]);
    expect(events[1]).toEqual({
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    });
    expect(events[2]).toMatchObject({ delta: { type: "thinking_delta", thinking: "Let me " } });
  });

  it("streams several tool calls, each its own block carrying its input as input_json_delta", () => {
    const events = translate([
      roleChunk(),
      contentChunk("Checking both."),
      toolCallStartChunk(0, "call_a", "get_weather"),
      toolArgumentsChunk(0, '{"city":'),
      toolArgumentsChunk(0, '"Paris"}'),
      toolCallStartChunk(1, "call_b", "get_weather"),
      toolArgumentsChunk(1, '{"city":"Rome"}'),
      finishChunk("tool_calls"),
      usageChunk(30, 25),
    ]);
    const { message } = accumulateAnthropicEvents(events);
    expect(message.content).toEqual([
      { type: "text", text: "Checking both." },
      { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "toolu_b", name: "get_weather", input: { city: "Rome" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(events).toContainEqual({
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_a", name: "get_weather", input: {} },
    });
    expect(events).toContainEqual({
      type: "content_block_delta",
      index: 1,
      delta: { type: "input_json_delta", partial_json: '{"city":"Paris"}' },
    });
  });

  it("assembles parallel tool calls whose argument pieces interleave", () => {
    const events = translate([
      toolCallStartChunk(0, "call_a", "read"),
      toolCallStartChunk(1, "call_b", "read"),
      toolArgumentsChunk(1, '{"path":'),
      toolArgumentsChunk(0, '{"path":"a.txt"}'),
      toolArgumentsChunk(1, '"b.txt"}'),
      finishChunk("tool_calls"),
    ]);
    expect(accumulateAnthropicEvents(events).message.content).toEqual([
      { type: "tool_use", id: "toolu_a", name: "read", input: { path: "a.txt" } },
      { type: "tool_use", id: "toolu_b", name: "read", input: { path: "b.txt" } },
    ]);
  });

  it("sends an object a client can parse even when the model's arguments are not JSON", () => {
    const events = translate([
      toolCallStartChunk(0, "c", "f"),
      toolArgumentsChunk(0, "{oops"),
      finishChunk("tool_calls"),
    ]);
    expect(accumulateAnthropicEvents(events).message.content).toEqual([
      { type: "tool_use", id: "toolu_c", name: "f", input: {} },
    ]);
  });

  it("keeps text that follows tool calls after them, in order", () => {
    const events = translate([
      contentChunk("before"),
      toolCallStartChunk(0, "c", "f"),
      toolArgumentsChunk(0, '{"x":1}'),
      contentChunk("after"),
      finishChunk("tool_calls"),
    ]);
    expect(accumulateAnthropicEvents(events).message.content).toEqual([
      { type: "text", text: "before" },
      { type: "tool_use", id: "toolu_c", name: "f", input: { x: 1 } },
      { type: "text", text: "after" },
    ]);
  });

  it("handles a server that sends whole tool calls in one chunk, and a call without an id", () => {
    const chunk = {
      id: "x",
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: "c0", function: { name: "a", arguments: "{}" } },
              { index: 1, function: { name: "b", arguments: '{"n":1}' } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
    };
    const { message } = accumulateAnthropicEvents(translate([chunk]));
    expect(message.content).toMatchObject([
      { type: "tool_use", id: "toolu_c0", name: "a", input: {} },
      { type: "tool_use", name: "b", input: { n: 1 } },
    ]);
    expect(String(message.content[1]?.id)).toMatch(/^toolu_/);
  });

  it("buffers arguments that arrive before the tool's name", () => {
    const events = translate([
      {
        choices: [
          { index: 0, delta: { tool_calls: [{ index: 0, id: "c", function: { arguments: '{"a"' } }] } },
        ],
      },
      {
        choices: [
          { index: 0, delta: { tool_calls: [{ index: 0, function: { name: "f", arguments: ":1}" } }] } },
        ],
      },
      finishChunk("tool_calls"),
    ]);
    expect(accumulateAnthropicEvents(events).message.content).toEqual([
      { type: "tool_use", id: "toolu_c", name: "f", input: { a: 1 } },
    ]);
  });

  it("reports the matched stop sequence when the server names it", () => {
    const events = translate([contentChunk("a"), finishChunk("stop", { stop_reason: "END" })], {
      model: "tiny",
      stopSequences: ["END"],
    });
    expect(accumulateAnthropicEvents(events).message).toMatchObject({
      stop_reason: "stop_sequence",
      stop_sequence: "END",
    });
  });

  it("maps length to max_tokens and counts deltas when no usage arrives", () => {
    const events = translate([
      contentChunk("a"),
      contentChunk("b"),
      contentChunk("c"),
      finishChunk("length"),
    ]);
    const last = events.at(-2);
    expect(last).toEqual({
      type: "message_delta",
      delta: { stop_reason: "max_tokens", stop_sequence: null },
      usage: { output_tokens: 3 },
    });
  });

  it("reports cached prompt tokens as cache reads", () => {
    const events = translate([contentChunk("a"), finishChunk("stop"), usageChunk(100, 1, 60)]);
    expect(events.at(-2)).toMatchObject({
      usage: { input_tokens: 40, cache_read_input_tokens: 60, output_tokens: 1 },
    });
  });

  it("ends with an error event when the upstream sends an error object mid-stream", () => {
    const translator = createAnthropicStreamTranslator({ model: "tiny" });
    const events = [...translator.start(), ...translator.push(contentChunk("partial"))];
    const failure = translator.push({ error: { message: "worker crashed", type: "api_error", code: null } });
    expect(failure).toEqual([{ type: "error", error: { type: "api_error", message: "worker crashed" } }]);
    expect(translator.ended).toBe(true);
    expect(translator.push(contentChunk("more"))).toEqual([]);
    expect(translator.finish()).toEqual([]);
    expect(translator.ping()).toEqual([]);
    const accumulated = accumulateAnthropicEvents([...events, ...failure]);
    expect(accumulated.error?.message).toBe("worker crashed");
  });

  it("turns upstream backpressure errors into overloaded_error", () => {
    const translator = createAnthropicStreamTranslator({ model: "tiny" });
    translator.start();
    expect(
      translator.push({ error: { message: "busy", type: "rate_limit_error", code: "rate_limit_exceeded" } }),
    ).toEqual([{ type: "error", error: { type: "overloaded_error", message: "busy" } }]);
  });

  it("starts the message before a ping and skips chunks it cannot read", () => {
    const translator = createAnthropicStreamTranslator({ model: "tiny", inputTokens: 9 });
    const events = translator.ping();
    expect(types(events)).toEqual(["message_start", "ping"]);
    expect(events[0]).toMatchObject({ message: { usage: { input_tokens: 9, output_tokens: 0 } } });
    expect(translator.start()).toEqual([]);
    expect(translator.push({ choices: "nonsense" })).toEqual([]);
    expect(translator.sawFinishReason).toBe(false);
    translator.push(finishChunk("stop"));
    expect(translator.sawFinishReason).toBe(true);
    expect(types(translator.finish())).toEqual(["message_delta", "message_stop"]);
    expect(translator.finish()).toEqual([]);
  });

  it("still produces a complete empty message when the upstream sent nothing", () => {
    const events = translate([]);
    expect(types(events)).toEqual(["message_start", "message_delta", "message_stop"]);
    expect(accumulateAnthropicEvents(events).message.content).toEqual([]);
  });
});
