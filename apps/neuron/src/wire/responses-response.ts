import type { FinishReason, GenerationUsage } from "../ipc/generation-event.js";
import type { CollectedGeneration, CollectedToolCall } from "./collect-generation.js";
import { toLogprobItems } from "./openai-logprobs.js";
import { toResponsesUsage } from "./openai-usage.js";
import type { ResponsesRequest } from "./responses-request.js";

export interface ResponsesMeta {
  id: string;
  messageId: string;
  /** Id of the reasoning item, when the model reasons. */
  reasoningId: string;
  createdAt: number;
  body: ResponsesRequest;
  /**
   * The `previous_response_id` to echo: cortex resolves the chain (the neuron keeps no responses) and
   * sends the id as `x-helexa-previous-response-id`; null otherwise.
   */
  previousResponseId?: string | null;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** `completed`, or `incomplete` when the output budget ran out. */
export function statusOf(finishReason: FinishReason): ResponseStatus {
  return finishReason === "length" ? "incomplete" : "completed";
}

/** The response object (`object: "response"`) with the request's settings echoed. */
export function responseShell(
  meta: ResponsesMeta,
  status: ResponseStatus,
  output: unknown[],
  usage?: GenerationUsage,
  error?: { code: string; message: string },
) {
  const body = meta.body;
  return {
    id: meta.id,
    object: "response" as const,
    created_at: meta.createdAt,
    status,
    error: error ?? null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: meta.previousResponseId ?? null,
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    tool_choice: body.tool_choice ?? "auto",
    tools: (body.tools ?? []).filter((tool) => tool.type === "function"),
    text: { format: body.text?.format ?? { type: "text" } },
    ...usageField(status, usage),
    metadata: {},
  };
}

/**
 * One `output_text` content part. `logprobs` is required by OpenAI's schema and sent by its API as `[]`
 * when none were asked for (`include: ["message.output_text.logprobs"]` asks).
 */
export function outputTextPart(text: string, logprobs: unknown[] = []) {
  return { type: "output_text" as const, text, annotations: [], logprobs };
}

/**
 * `usage` of a response: the counts when there are some. Before any token was counted OpenAI sends
 * `usage: null` (`response.created` / `.in_progress`); a response that ended without a count (failed)
 * leaves it out, as OpenAI's schema has `usage` as an optional object, never null.
 */
function usageField(status: ResponseStatus, usage: GenerationUsage | undefined) {
  if (usage !== undefined) return { usage: toResponsesUsage(usage) };
  return status === "in_progress" ? { usage: null } : {};
}

/** An assistant message item holding one `output_text` part. */
export function messageItem(id: string, text: string, status: ResponseStatus, logprobs: unknown[] = []) {
  return {
    type: "message" as const,
    id,
    status,
    role: "assistant" as const,
    content: [outputTextPart(text, logprobs)],
  };
}

/**
 * A reasoning item: the model's thinking as one `reasoning_text` part (what open-weight reasoning models
 * return through OpenAI's Responses API; there is no separate summary). Sent back in a later `input`, it is
 * accepted and dropped.
 */
export function reasoningItem(id: string, text: string, status: ResponseStatus) {
  return {
    type: "reasoning" as const,
    id,
    summary: [] as Array<{ type: "summary_text"; text: string }>,
    content: [{ type: "reasoning_text" as const, text }],
    status,
  };
}

/** A `function_call` output item. */
export function functionCallItem(call: CollectedToolCall) {
  return {
    type: "function_call" as const,
    id: `fc_${call.id.replace(/^call_/, "")}`,
    call_id: call.id,
    name: call.name,
    arguments: call.arguments,
    status: "completed" as const,
  };
}

/** The whole non-streaming response. */
export function buildResponse(result: CollectedGeneration, meta: ResponsesMeta) {
  const status = statusOf(result.finishReason);
  const output: unknown[] = [];
  if (result.reasoning !== "") output.push(reasoningItem(meta.reasoningId, result.reasoning, status));
  if (result.content !== "" || result.toolCalls.length === 0)
    output.push(messageItem(meta.messageId, result.content, status, toLogprobItems(result.logprobs)));
  for (const call of result.toolCalls) output.push(functionCallItem(call));
  return responseShell(meta, status, output, result.usage);
}
