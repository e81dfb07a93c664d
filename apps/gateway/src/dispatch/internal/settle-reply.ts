import type { Usage } from "../../entitlements/entitlements.js";
import { readUsage } from "../../proxy/read-usage.js";
import type { TapResult } from "../../proxy/stream-tap.js";
import type { FinishContext } from "./finish-response.js";

/**
 * Settles a finished stream. One cut on cortex's side (the neuron's connection broke, or went idle) is
 * charged at once, since the neuron may be gone: the usage its tail carried, else the whole hold (the
 * prompt bound and the output part; what was delivered is not known exactly). That charge is returned for
 * the closing error frame to say (when a hold is behind the request: unmetered, nothing is charged).
 */
export function settleStream(result: TapResult, context: FinishContext): Usage | undefined {
  const { metrics, model, node } = context;
  const labels = { model, node };
  context.call.dispose();
  context.fleet.finishRequest(context.ticket);
  if (result.outcome === "error") metrics.requestErrors.inc(labels);
  const usage = readUsage(result.tail);
  recordTokens(context, usage);
  if (result.firstDataAt !== null) {
    metrics.timeToFirstToken.observe(labels, (result.firstDataAt - context.attemptStartedAt) / 1000);
    const completion = usage?.completionTokens ?? 0;
    if (completion > 0 && result.lastDataAt !== null) {
      const window = result.lastDataAt - result.firstDataAt;
      const span = window >= 100 ? window : result.lastDataAt - context.attemptStartedAt;
      if (span > 0) metrics.tokensPerSecond.observe(labels, completion / (span / 1000));
    }
  }
  if (result.outcome === "error") {
    const charged = usage ?? context.guard.reservedUsage(context.promptEstimate());
    context.guard.settle(charged, node, result.outcome);
    return context.guard.metered ? charged : undefined;
  }
  if (usage !== null) {
    context.guard.settle(usage, node, result.outcome);
    return undefined;
  }
  // No usage in the stream (the client did not ask for it, or left before the end): the neuron says
  // what it generated, aborted generations included.
  settleFromNeuron(context, result.outcome, {
    promptTokens: context.promptEstimate(),
    completionTokens: result.dataChunks,
  });
  return undefined;
}

/**
 * Settles with the neuron's own count of the request. When the neuron never ran it (404) the request is
 * charged `ifUnknown` (null: released); when it cannot tell, the whole reservation.
 */
export function settleFromNeuron(
  context: FinishContext,
  outcome: "ok" | "error" | "aborted",
  ifUnknown: Usage | null,
): void {
  const reserved = context.guard.reservedUsage(context.promptEstimate());
  if (context.lookupUsage === undefined) {
    context.guard.settle(ifUnknown ?? reserved, context.node, outcome);
    return;
  }
  const learned = context.lookupUsage().then((answer): Usage | null => {
    if (answer === null) return null;
    if (answer.state === "unknown") return ifUnknown ?? { promptTokens: 0, completionTokens: 0 };
    recordTokens(context, answer.usage);
    return answer.usage;
  });
  context.guard.settleWhenKnown(learned, reserved, context.node, outcome);
}

export function recordTokens(context: FinishContext, usage: Usage | null): void {
  if (usage === null) return;
  const labels = { model: context.model, node: context.node };
  if (usage.promptTokens > 0) context.metrics.promptTokens.inc(labels, usage.promptTokens);
  if (usage.completionTokens > 0) context.metrics.completionTokens.inc(labels, usage.completionTokens);
}
