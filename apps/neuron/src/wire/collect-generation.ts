import { generationFailed, serviceUnavailable } from "@helexa/core";
import type {
  FinishReason,
  GenerationEvent,
  GenerationUsage,
  TokenLogprob,
} from "../ipc/generation-event.js";

export interface CollectedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A whole generation, for non-streaming replies. */
export interface CollectedGeneration {
  content: string;
  reasoning: string;
  toolCalls: CollectedToolCall[];
  finishReason: Exclude<FinishReason, "abort"> | "abort";
  /** The request `stop` string that ended generation, or null. */
  stopSequence: string | null;
  usage: GenerationUsage;
  /** The content tokens' logprobs, when the request asked for them (empty otherwise). */
  logprobs: TokenLogprob[];
}

/** Drains the events; an `error` event becomes a 500 envelope, or 503 + Retry-After when retryable. */
export async function collectGeneration(
  events: AsyncIterable<GenerationEvent>,
): Promise<CollectedGeneration> {
  let content = "";
  let reasoning = "";
  const toolCalls: CollectedToolCall[] = [];
  const logprobs: TokenLogprob[] = [];
  for await (const event of events) {
    if (event.type === "delta") {
      content += event.content ?? "";
      reasoning += event.reasoning ?? "";
      if (event.logprobs !== undefined) logprobs.push(...event.logprobs);
    } else if (event.type === "tool_call") {
      toolCalls.push({ id: event.id, name: event.name, arguments: event.arguments });
    } else if (event.type === "done") {
      return {
        content,
        reasoning,
        toolCalls,
        finishReason: event.finishReason,
        stopSequence: event.stopSequence ?? null,
        usage: event.usage,
        logprobs,
      };
    } else {
      if (event.retryAfterSecs !== undefined) throw serviceUnavailable(event.message, event.retryAfterSecs);
      throw generationFailed(event.message);
    }
  }
  throw generationFailed("generation ended without a result");
}
