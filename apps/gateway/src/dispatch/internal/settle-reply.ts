import type { Usage } from "../../entitlements/entitlements.js";
import { readUsage } from "../../proxy/read-usage.js";
import type { TapResult } from "../../proxy/stream-tap.js";
import type { ForwardDeps, ReplyAttempt, RequestState } from "./request-state.js";

/**
 * Settles a finished stream. One cut on cortex's side (the neuron's connection broke, or went idle) is
 * charged at once, since the neuron may be gone: the usage its tail carried, else the whole hold (the
 * prompt bound and the output part; what was delivered is not known exactly). That charge is returned for
 * the closing error frame to say (when a hold is behind the request: unmetered, nothing is charged).
 */
export function settleStream(
  result: TapResult,
  deps: ForwardDeps,
  request: RequestState,
  attempt: ReplyAttempt,
): Usage | undefined {
  const { metrics } = deps;
  const { model } = request;
  const { node } = attempt;
  const labels = { model, node };
  attempt.call.dispose();
  deps.fleet.finishRequest(attempt.ticket);
  if (result.outcome === "error") metrics.requestErrors.inc(labels);
  const usage = readUsage(result.tail);
  recordTokens(deps, request, attempt, usage);
  if (result.firstDataAt !== null) {
    metrics.timeToFirstToken.observe(labels, (result.firstDataAt - attempt.attemptStartedAt) / 1000);
    const completion = usage?.completionTokens ?? 0;
    if (completion > 0 && result.lastDataAt !== null) {
      const window = result.lastDataAt - result.firstDataAt;
      const span = window >= 100 ? window : result.lastDataAt - attempt.attemptStartedAt;
      if (span > 0) metrics.tokensPerSecond.observe(labels, completion / (span / 1000));
    }
  }
  if (result.outcome === "error") {
    const charged = usage ?? request.guard.reservedUsage(request.promptEstimate());
    request.guard.settle(charged, node, result.outcome);
    return request.guard.metered ? charged : undefined;
  }
  if (usage !== null) {
    request.guard.settle(usage, node, result.outcome);
    return undefined;
  }
  // No usage in the stream (the client did not ask for it, or left before the end): the neuron says
  // what it generated, aborted generations included.
  settleFromNeuron(deps, request, attempt, result.outcome, {
    promptTokens: request.promptEstimate(),
    completionTokens: result.dataChunks,
  });
  return undefined;
}

/**
 * Settles with the neuron's own count of the request. When the neuron never ran it (404) the request is
 * charged `ifUnknown` (null: released); when it cannot tell, the whole reservation.
 */
export function settleFromNeuron(
  deps: ForwardDeps,
  request: RequestState,
  attempt: ReplyAttempt,
  outcome: "ok" | "error" | "aborted",
  ifUnknown: Usage | null,
): void {
  const reserved = request.guard.reservedUsage(request.promptEstimate());
  if (attempt.lookupUsage === undefined) {
    request.guard.settle(ifUnknown ?? reserved, attempt.node, outcome);
    return;
  }
  const learned = attempt.lookupUsage().then((answer): Usage | null => {
    if (answer === null) return null;
    if (answer.state === "unknown") return ifUnknown ?? { promptTokens: 0, completionTokens: 0 };
    recordTokens(deps, request, attempt, answer.usage);
    return answer.usage;
  });
  request.guard.settleWhenKnown(learned, reserved, attempt.node, outcome);
}

export function recordTokens(
  deps: ForwardDeps,
  request: RequestState,
  attempt: ReplyAttempt,
  usage: Usage | null,
): void {
  if (usage === null) return;
  const labels = { model: request.model, node: attempt.node };
  if (usage.promptTokens > 0) deps.metrics.promptTokens.inc(labels, usage.promptTokens);
  if (usage.completionTokens > 0) deps.metrics.completionTokens.inc(labels, usage.completionTokens);
  if (usage.cachedTokens) deps.metrics.cachedPromptTokens.inc(labels, usage.cachedTokens);
}
