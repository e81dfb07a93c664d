import { CANONICAL_OUTPUT_LIMIT_FIELD } from "@helexa/core";
import type { DispatchRequest } from "../dispatch.js";

/**
 * The request text for the neuron. The client's bytes go as they came unless something must change:
 * `model` when an alias resolved, and, when budget was reserved, the output limit it was reserved for in
 * the route's canonical field (the neuron reads it first, so it never generates more than was held).
 * Usage options are the client's own: metering asks the neuron for usage separately
 * (`GET /v1/requests/{id}/usage`), so a stream carries a usage chunk only when the client asked.
 */
export function buildUpstreamBody(request: DispatchRequest, model: string, outputLimit?: number): string {
  const body = withOutputLimit(request, outputLimit);
  const unchanged = body === request.body && body.model === model;
  if (unchanged && request.rawBody !== undefined) return request.rawBody;
  return JSON.stringify(body.model === model ? body : { ...body, model });
}

function withOutputLimit(request: DispatchRequest, outputLimit: number | undefined): Record<string, unknown> {
  if (outputLimit === undefined || request.route === "/v1/tokenize") return request.body;
  const field = CANONICAL_OUTPUT_LIMIT_FIELD[request.route];
  if (request.body[field] === outputLimit) return request.body;
  return { ...request.body, [field]: outputLimit };
}
