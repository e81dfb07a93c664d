import { invalidRequest } from "@helexa/core";

/** Most alternatives per token on chat completions and Responses (OpenAI's bound). */
export const maxChatTopLogprobs = 20;
/** Most alternatives per token on `/v1/completions` (OpenAI's bound for its `logprobs` integer). */
export const maxCompletionLogprobs = 5;

/**
 * How many alternatives per token a chat completion asks for, or undefined when it asks for no logprobs:
 * `logprobs: true` with `top_logprobs` 0..20 (default 0). `top_logprobs` without `logprobs: true` is a 400,
 * as on OpenAI.
 */
export function chatTopLogprobs(body: {
  logprobs?: boolean | number | null | undefined;
  top_logprobs?: number | null | undefined;
}): number | undefined {
  if (body.logprobs != null && typeof body.logprobs !== "boolean")
    throw invalidRequest("logprobs must be a boolean on chat completions", "logprobs");
  const top = checkedTop(body.top_logprobs, maxChatTopLogprobs, "top_logprobs");
  if (body.logprobs !== true) {
    if (top !== undefined) throw invalidRequest("top_logprobs needs logprobs: true", "top_logprobs");
    return undefined;
  }
  return top ?? 0;
}

/** `/v1/completions`: `logprobs` is the number of alternatives per token, 0..5; null or absent for none. */
export function completionTopLogprobs(body: {
  logprobs?: boolean | number | null | undefined;
}): number | undefined {
  if (body.logprobs == null) return undefined;
  if (typeof body.logprobs !== "number")
    throw invalidRequest(`logprobs must be an integer from 0 to ${maxCompletionLogprobs}`, "logprobs");
  return checkedTop(body.logprobs, maxCompletionLogprobs, "logprobs");
}

/**
 * Responses: logprobs come with `include: ["message.output_text.logprobs"]`, with `top_logprobs` 0..20
 * alternatives (default 0).
 */
export function responsesTopLogprobs(body: {
  include?: readonly string[] | null | undefined;
  top_logprobs?: number | null | undefined;
}): number | undefined {
  const top = checkedTop(body.top_logprobs, maxChatTopLogprobs, "top_logprobs");
  if (!(body.include ?? []).includes("message.output_text.logprobs")) return undefined;
  return top ?? 0;
}

function checkedTop(value: number | null | undefined, max: number, param: string): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw invalidRequest(`${param} must be an integer from 0 to ${max}`, param);
  return value;
}
