import { expect } from "vitest";
import { openAiContract } from "./openai-contract.js";
import type { SseFrame } from "./read-sse.js";
import { QUIRK_COMPONENTS } from "./spec-quirks.js";

/** Fails the test, listing every schema violation and the value, unless `value` is a valid `component`. */
export function expectConforms(component: string, value: unknown): void {
  const problems = openAiContract().violations(component, value);
  expect(problems, `not a valid ${component}: ${JSON.stringify(value)}`).toEqual([]);
}

/** The OpenAI stream kinds: chat and text completions end with `[DONE]`; Responses streams name events. */
export type StreamKind = "chat" | "completion" | "responses";

const CHUNK_COMPONENT = {
  chat: "CreateChatCompletionStreamResponse",
  completion: QUIRK_COMPONENTS.completionChunk,
} as const;

/**
 * Checks every `data:` payload of a stream against its schema and returns the parsed payloads (`[DONE]`
 * left out). Chat and completion streams: each chunk is a `CreateChatCompletionStreamResponse` /
 * completion chunk, an error frame (`{"error": …}`) an `ErrorResponse`, and the stream ends with exactly
 * one `[DONE]`. Responses streams: each event is the `ResponseStreamEvent` branch its `type` names, the
 * SSE `event:` name equals that `type`, `sequence_number` counts up from 0, and there is no `[DONE]`.
 */
export function expectStreamConforms(kind: StreamKind, frames: SseFrame[]): Array<Record<string, unknown>> {
  expect(frames.length, "an empty stream").toBeGreaterThan(0);
  if (kind !== "responses") {
    expect(frames.at(-1)?.data, "the last frame").toBe("[DONE]");
    expect(frames.filter((frame) => frame.data === "[DONE]")).toHaveLength(1);
  }
  const payloads: Array<Record<string, unknown>> = [];
  for (const frame of frames) {
    if (frame.data === "[DONE]") continue;
    const payload = JSON.parse(frame.data) as Record<string, unknown>;
    payloads.push(payload);
    if (kind !== "responses") {
      expectConforms("error" in payload ? "ErrorResponse" : CHUNK_COMPONENT[kind], payload);
      continue;
    }
    const type = String(payload.type);
    expect(frame.event, "the SSE event name").toBe(type);
    const component = openAiContract().streamEventComponent(type);
    expect(component, `a Responses stream event type OpenAI sends: ${type}`).toBeDefined();
    if (component !== undefined) expectConforms(component, payload);
  }
  if (kind === "responses") {
    expect(payloads.map((payload) => payload.sequence_number)).toEqual(payloads.map((_, index) => index));
  }
  return payloads;
}
