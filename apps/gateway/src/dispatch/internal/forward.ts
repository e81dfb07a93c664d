import type { ServerResponse } from "node:http";
import { clientClosedRequest, type RouteCandidate, upstreamError, upstreamTimeout } from "@helexa/core";
import type { Identity } from "../../entitlements/entitlements.js";
import type { FleetState } from "../../fleet/fleet-state.js";
import { describeFetchError } from "../../fleet/neuron-client.js";
import type { ClientHeaders } from "../../internal/client-headers.js";
import type { Logger } from "../../internal/logger.js";
import type { CortexMetrics } from "../../metrics/create-cortex-metrics.js";
import {
  readMessage,
  startUpstreamCall,
  type UpstreamClient,
  type UpstreamReply,
} from "../../proxy/create-upstream-client.js";
import { buildDownstreamHeaders, buildUpstreamHeaders } from "../../proxy/proxy-headers.js";
import type { ResponsesTurn } from "../../responses/prepare-responses-turn.js";
import type { ClientSignal, UpstreamRoute } from "../dispatch.js";
import { fetchRequestUsage } from "./fetch-request-usage.js";
import { finishResponse } from "./finish-response.js";
import type { SettleGuard } from "./settle-guard.js";

/** Errors that mean nothing is listening there: the node is marked unhealthy at once. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

export interface ForwardContext {
  fleet: FleetState;
  upstream: UpstreamClient;
  metrics: CortexMetrics;
  logger: Logger;
  now: () => number;
  route: UpstreamRoute;
  model: string;
  candidates: readonly RouteCandidate[];
  body: string;
  clientHeaders: ClientHeaders;
  identity: Identity | null;
  signal: ClientSignal;
  stream: boolean;
  guard: SettleGuard;
  startedAt: number;
  /** ms already spent waiting (cold load); attempts add to it. */
  waitedMs: number;
  maxAttempts: number;
  idleTimeoutMs: number;
  responseTimeoutMs: number;
  unhealthyAfterFailures: number;
  coldStart: boolean;
  promptEstimate: () => number;
  /** Sent to the neuron as `x-request-id` (unique per request), so its usage can be asked for after. */
  requestId: string;
  /** Returned to the client as `x-request-id`: the client's own when it sent one, else `requestId`. */
  clientRequestId: string;
  /** Whether budget is held for this request (then usage missing from a reply is asked of the neuron). */
  metered: boolean;
  /** The client's Node response to write the reply to; none: return a `Response`. */
  outgoing?: ServerResponse | undefined;
  /** A `/v1/responses` request with a response store: its reply is stored and echoes `previous_response_id`. */
  responsesTurn?: ResponsesTurn | undefined;
}

/**
 * Sends the request to the candidates in order. Backpressure (503/429) or an unreachable neuron, before
 * anything reached the client, moves it to the next candidate (at most `maxAttempts`). The last
 * candidate's answer, whatever it is, goes to the client intact; if it could not be reached either, the
 * last backpressure reply seen is returned, else 502.
 */
export async function forward(context: ForwardContext): Promise<Response> {
  const { fleet, metrics, model, signal } = context;
  const attempts = context.candidates.slice(0, context.maxAttempts);
  let backpressure: { status: number; headers: Record<string, string>; bytes: Uint8Array } | null = null;
  let lastFailure = "no candidate";
  for (let index = 0; index < attempts.length; index++) {
    const candidate = attempts[index] as RouteCandidate;
    const isLast = index === attempts.length - 1;
    const node = fleet.node(candidate.node);
    if (node === undefined) continue;
    const labels = { model, node: node.name };
    const ticket = fleet.startRequest(node, model, context.now());
    const attemptStartedAt = performance.now();
    const headers = buildUpstreamHeaders(context.clientHeaders, node.authToken, context.identity);
    headers["x-request-id"] = context.requestId;
    // The neuron echoes it in the Response objects it writes (it never sees the chain itself).
    const previous = context.responsesTurn?.previousResponseId;
    if (previous != null) headers["x-helexa-previous-response-id"] = previous;
    const lookupUsage = context.metered
      ? () => fetchRequestUsage(node.endpoint, node.authToken, context.requestId)
      : undefined;
    const { call, reply } = startUpstreamCall(
      context.upstream,
      `${node.endpoint}${context.route}`,
      { headers, body: context.body },
      signal,
      context.stream ? context.idleTimeoutMs : context.responseTimeoutMs,
    );
    let upstream: UpstreamReply;
    try {
      upstream = await reply;
    } catch (error) {
      context.waitedMs += performance.now() - attemptStartedAt;
      call.dispose();
      fleet.finishRequest(ticket);
      if (signal.aborted) {
        // A whole answer may have been generated before the client left: charge what the neuron made
        // (nothing when it never admitted the request).
        if (lookupUsage !== undefined) {
          const learned = lookupUsage().then((answer) =>
            answer === null
              ? null
              : answer.state === "unknown"
                ? { promptTokens: 0, completionTokens: 0 }
                : answer.usage,
          );
          context.guard.settleWhenKnown(
            learned,
            context.guard.reservedUsage(context.promptEstimate()),
            node.name,
            "aborted",
          );
        }
        throw clientClosedRequest();
      }
      metrics.requestErrors.inc(labels);
      if (call.abortReason !== null) throw upstreamTimeout(node.name);
      const reason = describeFetchError(error);
      if (UNREACHABLE.has(reason)) fleet.markUnreachable(node, reason, context.unhealthyAfterFailures);
      context.logger.warn({ event: "upstream_failed", model, node: node.name, reason }, "neuron unreachable");
      lastFailure = `${node.name}: ${reason}`;
      if (!isLast) metrics.retries.inc({ ...labels, reason: "unreachable" });
      continue;
    }
    if ((upstream.status === 503 || upstream.status === 429) && !isLast) {
      const bytes = await readMessage(upstream.message).catch(() => new Uint8Array(0));
      context.waitedMs += performance.now() - attemptStartedAt;
      call.dispose();
      fleet.finishRequest(ticket);
      backpressure = { status: upstream.status, headers: buildDownstreamHeaders(upstream.headers), bytes };
      metrics.retries.inc({ ...labels, reason: "backpressure" });
      continue;
    }
    if (context.coldStart) metrics.coldStarts.inc(labels);
    return finishResponse(upstream, {
      route: context.route,
      model,
      node: node.name,
      fleet,
      metrics,
      guard: context.guard,
      ticket,
      call,
      startedAt: context.startedAt,
      attemptStartedAt,
      waitedMs: context.waitedMs,
      idleTimeoutMs: context.idleTimeoutMs,
      promptEstimate: context.promptEstimate,
      outgoing: context.outgoing,
      lookupUsage,
      clientRequestId: context.clientRequestId,
      responsesTurn: context.responsesTurn,
    });
  }
  context.guard.release(null, "error");
  if (backpressure !== null) {
    return new Response(backpressure.bytes, { status: backpressure.status, headers: backpressure.headers });
  }
  throw upstreamError(`upstream request failed (${lastFailure})`);
}
