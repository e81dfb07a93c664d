import {
  type GenerationRoute,
  promptTokensUpperBound,
  type RouteCandidate,
  requestedChoices,
  reservationTokens,
  resolveOutputLimit,
} from "@helexa/core";
import type { FleetState } from "../../fleet/fleet-state.js";
import type { DispatchRequest } from "../dispatch.js";

/** What cortex holds for a request and the output limit the neuron is held to. */
export interface ReservationPlan {
  /** Tokens to reserve: an upper bound of the prompt plus `outputLimit` per choice (see `reservationTokens`). */
  tokens: number;
  /** Per choice; written into the forwarded body's canonical field (`CANONICAL_OUTPUT_LIMIT_FIELD`). */
  outputLimit: number;
  /** The part of `tokens` held for the prompt. */
  promptTokens: number;
}

/**
 * Decides a metered request's hold (see `docs/decisions/0003-usage-ledger.md`): the output limit is
 * core's `resolveOutputLimit` over the route's fields, clamped by the largest context and output cap the
 * candidates advertise and by the calibrated prompt estimate; the prompt is held at
 * `promptTokensUpperBound` (never below the true count), so the hold covers whatever the neuron can use;
 * a request for `n` choices holds the output limit once per choice (`requestedChoices`).
 */
export function planReservation(
  fleet: FleetState,
  model: string,
  candidates: readonly RouteCandidate[],
  request: DispatchRequest,
  route: GenerationRoute,
  promptEstimate: number,
): ReservationPlan {
  const profile = fleet.catalogueModel(model);
  let contextTokens: number | undefined;
  let modelOutputLimit: number | undefined;
  for (const candidate of candidates) {
    const limit = fleet.node(candidate.node)?.models.get(model)?.limit;
    contextTokens = larger(contextTokens, limit?.context ?? profile?.limit?.context);
    modelOutputLimit = larger(modelOutputLimit, limit?.output ?? profile?.limit?.output);
  }
  if (candidates.length === 0) {
    contextTokens = profile?.limit?.context;
    modelOutputLimit = profile?.limit?.output;
  }
  const outputLimit = resolveOutputLimit(route, request.body, {
    contextTokens,
    promptTokens: promptEstimate,
    modelOutputLimit,
  });
  // The client's own body bounds the prompt; a translated (Anthropic) body may carry more JSON, so the
  // larger of the two is held.
  const original = request.originalBody ?? request.rawBody ?? request.body;
  const tools = Array.isArray(request.body.tools) && request.body.tools.length > 0;
  const infillChunks = Array.isArray(request.body.input_extra) ? request.body.input_extra.length : 0;
  let prompt = promptTokensUpperBound(original, { tools, infillChunks });
  if (request.originalBody !== undefined) {
    prompt = Math.max(prompt, promptTokensUpperBound(request.body, { tools, infillChunks }));
  }
  const tokens = reservationTokens({
    promptTokens: prompt,
    outputTokens: outputLimit,
    contextTokens,
    choices: requestedChoices(route, request.body),
  });
  return { tokens, outputLimit, promptTokens: Math.min(tokens, prompt) };
}

function larger(current: number | undefined, next: number | undefined): number | undefined {
  if (next === undefined) return current;
  return current === undefined ? next : Math.max(current, next);
}
