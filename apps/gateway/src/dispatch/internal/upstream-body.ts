import type { DispatchRequest } from "../dispatch.js";

/**
 * The request text for the neuron. The client's bytes go as they came unless something must change:
 * `model` when an alias resolved, and `stream_options.include_usage` on a metered chat or completions
 * stream (so the reply carries the usage the budget is settled with; a final usage chunk with empty
 * `choices` is standard OpenAI).
 */
export function buildUpstreamBody(request: DispatchRequest, model: string, metered: boolean): string {
  const body = request.body;
  const injectUsage =
    metered &&
    body.stream === true &&
    (request.route === "/v1/chat/completions" || request.route === "/v1/completions") &&
    !includesUsage(body.stream_options);
  if (body.model === model && !injectUsage && request.rawBody !== undefined) return request.rawBody;
  if (!injectUsage) return JSON.stringify(body.model === model ? body : { ...body, model });
  const options =
    typeof body.stream_options === "object" && body.stream_options !== null ? body.stream_options : {};
  return JSON.stringify({ ...body, model, stream_options: { ...options, include_usage: true } });
}

function includesUsage(options: unknown): boolean {
  return (
    typeof options === "object" &&
    options !== null &&
    (options as { include_usage?: unknown }).include_usage === true
  );
}
