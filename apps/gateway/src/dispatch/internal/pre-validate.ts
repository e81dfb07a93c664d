import {
  type CatalogueModel,
  clientAdvice,
  contextLengthExceeded,
  estimatePromptTokens,
  type PromptField,
  type RouteCandidate,
} from "@helexa/core";
import type { FleetState } from "../../fleet/fleet-state.js";
import type { UpstreamRoute } from "../dispatch.js";

/** Candidates whose context can hold the prompt, and the estimate used (null when no limit is known). */
export interface PreValidation {
  candidates: RouteCandidate[];
  estimate: number | null;
}

/**
 * Fail-fast prompt check, so an over-long prompt is refused before it holds a slot: estimates the prompt (calibrated by the neuron's
 * measured characters per token when one is reported) and drops candidates whose advertised context
 * (the neuron's `limit.context`, else the catalogue's) is smaller. If none is left, throws 400
 * `context_length_exceeded` with `max` and `estimated_prompt_tokens`, plus `X-Helexa-Advice` for known
 * clients; its `param` names the route's prompt field (`messages`, `prompt` or `input`). Skipped when no
 * candidate has a known limit. No neuron is touched.
 */
export function preValidate(
  fleet: FleetState,
  model: string,
  candidates: RouteCandidate[],
  body: unknown,
  userAgent: string | null,
  route: UpstreamRoute,
): PreValidation {
  const profile = fleet.catalogueModel(model);
  const contexts = candidates.map((candidate) => contextOf(fleet, candidate.node, model, profile));
  if (contexts.every((context) => context === undefined)) return { candidates, estimate: null };
  const estimate = estimatePromptTokens(body, { charsPerToken: charsPerToken(fleet, candidates, model) });
  const fitting = candidates.filter((_, index) => {
    const context = contexts[index];
    return context === undefined || estimate <= context;
  });
  if (fitting.length > 0) return { candidates: fitting, estimate };
  const max = Math.max(...contexts.map((context) => context ?? 0));
  const error = contextLengthExceeded(max, estimate, true, promptFieldOf(route));
  const advice = clientAdvice(userAgent);
  throw advice === undefined ? error : error.withHeaders({ "x-helexa-advice": advice });
}

/** The request field that holds the prompt on `route` (Anthropic clients arrive as chat: `messages`). */
function promptFieldOf(route: UpstreamRoute): PromptField {
  if (route === "/v1/completions" || route === "/infill") return "prompt";
  if (route === "/v1/responses") return "input";
  return "messages";
}

function contextOf(
  fleet: FleetState,
  nodeName: string,
  model: string,
  profile: CatalogueModel | undefined,
): number | undefined {
  return fleet.node(nodeName)?.models.get(model)?.limit?.context ?? profile?.limit?.context;
}

/**
 * The first measured characters-per-token among the candidates (one model, one tokenizer), never below
 * 1: a neuron's ratio over short chat prompts is dragged down by template tokens, and an estimate that
 * over-counts would refuse prompts that fit. (No tokenizer averages under one UTF-8 byte per token.)
 */
function charsPerToken(fleet: FleetState, candidates: RouteCandidate[], model: string): number | undefined {
  for (const candidate of candidates) {
    const ratio = fleet.node(candidate.node)?.load.get(model)?.chars_per_token;
    if (ratio !== undefined) return Math.max(MIN_CHARS_PER_TOKEN, ratio);
  }
  return undefined;
}

const MIN_CHARS_PER_TOKEN = 1;
