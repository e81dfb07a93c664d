import { describe, expect, it } from "vitest";
import type { GenerationEvent } from "../ipc/generation-event.js";
import { emitForcedToolCall } from "./emit-forced-tool-call.js";

function run(text: string, toolNames: string[]) {
  const events: GenerationEvent[] = [];
  const complete = emitForcedToolCall(text, (event) => events.push(event), toolNames);
  return { complete, events };
}

describe("emitForcedToolCall", () => {
  it("reports a complete answer as a tool call", () => {
    const { complete, events } = run('{"name":"get_weather","arguments":{"city":"Oslo"}}', ["get_weather"]);
    expect(complete).toBe(true);
    expect(events).toEqual([
      {
        type: "tool_call",
        index: 0,
        id: expect.stringMatching(/^call_/),
        name: "get_weather",
        arguments: '{"city":"Oslo"}',
      },
    ]);
  });

  it("reports an answer cut mid-arguments as a tool call with the arguments so far, never as text", () => {
    const { complete, events } = run('{ "name": "write_file", "arguments": {"path": "a.txt", "body": "lo', [
      "read_file",
      "write_file",
    ]);
    expect(complete).toBe(false);
    expect(events).toEqual([
      expect.objectContaining({
        type: "tool_call",
        name: "write_file",
        arguments: '{"path": "a.txt", "body": "lo',
      }),
    ]);
  });

  it("takes the one forced tool's name when the cut came inside the name", () => {
    const { events } = run('{ "name":"get_wea', ["get_weather"]);
    expect(events).toEqual([
      expect.objectContaining({ type: "tool_call", name: "get_weather", arguments: "" }),
    ]);
  });

  it("emits nothing when the cut answer names no tool it could be", () => {
    expect(run('{ "na', ["a", "b"]).events).toEqual([]);
  });
});
