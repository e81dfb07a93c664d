import { CANONICAL_OUTPUT_LIMIT_FIELD } from "@helexa/core";
import type { DispatchRequest } from "../dispatch.js";

/**
 * The request text for the neuron. The client's bytes go as they came unless something must change:
 * `model` when an alias resolved, and `stream_options.include_usage` on a metered chat or completions
 * stream (so the reply carries the usage the budget is settled with; a final usage chunk with empty
 * `choices` is standard OpenAI), and, when budget was reserved, the output limit it was reserved for in
 * the route's canonical field (the neuron reads it first, so it never generates more than was held).
 */
export function buildUpstreamBody(
  request: DispatchRequest,
  model: string,
  metered: boolean,
  outputLimit?: number,
): string {
  const body = withOutputLimit(request, outputLimit);
  const injectUsage =
    metered &&
    body.stream === true &&
    (request.route === "/v1/chat/completions" || request.route === "/v1/completions") &&
    !includesUsage(body.stream_options);
  const unchanged = body === request.body && body.model === model && !injectUsage;
  if (unchanged && request.rawBody !== undefined) return request.rawBody;
  if (!injectUsage) return JSON.stringify(body.model === model ? body : { ...body, model });
  const options =
    typeof body.stream_options === "object" && body.stream_options !== null ? body.stream_options : {};
  return JSON.stringify({ ...body, model, stream_options: { ...options, include_usage: true } });
}

function withOutputLimit(request: DispatchRequest, outputLimit: number | undefined): Record<string, unknown> {
  if (outputLimit === undefined || request.route === "/v1/tokenize") return request.body;
  const field = CANONICAL_OUTPUT_LIMIT_FIELD[request.route];
  if (request.body[field] === outputLimit) return request.body;
  return { ...request.body, [field]: outputLimit };
}

function includesUsage(options: unknown): boolean {
  return (
    typeof options === "object" &&
    options !== null &&
    (options as { include_usage?: unknown }).include_usage === true
  );
}
