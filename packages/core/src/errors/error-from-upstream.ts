import { fromAnthropicError, openAiErrorTypeForStatus } from "./from-anthropic-error.js";
import { HelexaError, type OpenAiErrorType } from "./helexa-error.js";
import { anthropicErrorEnvelopeSchema, openAiErrorEnvelopeSchema } from "./render-error.js";

/**
 * Rebuilds a `HelexaError` from an upstream status and body, so it can be re-rendered in either dialect:
 * - an Anthropic envelope `{type:"error", error:{type,message}}`, mapped by `fromAnthropicError`;
 * - an OpenAI envelope, kept as is (extras included);
 * - a flat `{"error":"…", "code"?:"…"}`, as older neurons answer;
 * - anything else: `upstream returned <status>` with the type that fits the status.
 * Only a 503 (or Anthropic 529) is fleet backpressure; a 429 is a budget and stays a rate limit.
 */
export function errorFromUpstream(status: number, body: unknown, retryAfterSecs?: number): HelexaError {
  const retry = retryAfterSecs === undefined ? {} : { retryAfterSecs };
  const anthropic = anthropicErrorEnvelopeSchema.safeParse(body);
  if (anthropic.success) {
    const mapped = fromAnthropicError(status, anthropic.data.error.type);
    return new HelexaError({
      statusCode: mapped.status,
      type: mapped.type,
      code: mapped.code,
      message: anthropic.data.error.message,
      isOverload: mapped.isOverload,
      ...retry,
    });
  }
  const openAi = openAiErrorEnvelopeSchema.safeParse(body);
  if (openAi.success) {
    const { message, type, code, param, ...extras } = openAi.data.error;
    return new HelexaError({
      statusCode: status,
      type: type as OpenAiErrorType,
      code: code ?? null,
      message,
      param: param ?? null,
      extras,
      isOverload: status === 503,
      ...retry,
    });
  }
  const flat = typeof body === "object" && body !== null ? (body as { error?: unknown; code?: unknown }) : {};
  return new HelexaError({
    statusCode: status,
    type: openAiErrorTypeForStatus(status),
    code: typeof flat.code === "string" ? flat.code : null,
    message: typeof flat.error === "string" ? flat.error : `upstream returned ${status}`,
    isOverload: status === 503,
    ...retry,
  });
}
