import type { ServerResponse } from "node:http";
import { clientClosedRequest, type RouteCandidate, upstreamError, upstreamTimeout } from "@helexa/core";
import type { Identity } from "../../entitlements/entitlements.js";
import type { FleetState, ReplicaTicket } from "../../fleet/fleet-state.js";
import { describeFetchError, isUnreachable } from "../../fleet/neuron-client.js";
import type { ClientHeaders } from "../../internal/client-headers.js";
import type { Logger } from "../../internal/logger.js";
import type { CortexMetrics } from "../../metrics/create-cortex-metrics.js";
import {
  buildUpstreamHeaders,
  readMessage,
  startUpstreamCall,
  type UpstreamCall,
  type UpstreamClient,
  type UpstreamReply,
} from "../../proxy/create-upstream-client.js";
import type { ResponsesTurn } from "../../responses/prepare-responses-turn.js";
import type { SettleGuard } from "../create-dispatch.js";
import type { ClientSignal, UpstreamRoute } from "../dispatch.js";
import { fetchRequestUsage, finishResponse, type RequestUsageAnswer } from "./finish-response.js";

/** What forwarding needs that is the same for every request: built once, by `createDispatch`. */
export interface ForwardDeps {
  fleet: FleetState;
  upstream: UpstreamClient;
  metrics: CortexMetrics;
  logger: Logger;
  now: () => number;
  maxAttempts: number;
  idleTimeoutMs: number;
  responseTimeoutMs: number;
  unhealthyAfterFailures: number;
}

/** One request from its plan to its settlement: built once by dispatch, read by forward and finish. */
export interface RequestState {
  route: UpstreamRoute;
  model: string;
  candidates: readonly RouteCandidate[];
  /** The body sent to the neuron. */
  body: string;
  /** Sent to the neuron as `x-request-id` (unique per request), so its usage can be asked for after. */
  requestId: string;
  /** Returned to the client as `x-request-id`: the client's own when it sent one, else `requestId`. */
  clientRequestId: string;
  clientHeaders: ClientHeaders;
  identity: Identity | null;
  signal: ClientSignal;
  stream: boolean;
  guard: SettleGuard;
  /** performance.now() when cortex began the request. */
  startedAt: number;
  /** ms spent waiting on neurons and loads so far (cold load, earlier attempts); attempts add to it. */
  waitedMs: number;
  coldStart: boolean;
  /** Prompt tokens to settle with when the reply carried no usage. */
  promptEstimate: () => number;
  /** A `/v1/responses` request with a response store: its reply is stored and echoes `previous_response_id`. */
  responsesTurn?: ResponsesTurn | undefined;
  /** The client's Node response to write the reply to; none: the reply is a `Response`. */
  outgoing?: ServerResponse | undefined;
}

/** The attempt whose neuron answered. */
export interface ReplyAttempt {
  node: string;
  ticket: ReplicaTicket;
  call: UpstreamCall;
  /** performance.now() when this attempt began. */
  attemptStartedAt: number;
  /** Asks this neuron what the request generated (by the `x-request-id` cortex sent it); unmetered: none. */
  lookupUsage?: (() => Promise<RequestUsageAnswer>) | undefined;
}

/**
 * Sends the request to the candidates in order. Backpressure (503/429) or an unreachable neuron, before
 * anything reached the client, moves it to the next candidate (at most `maxAttempts`). The last
 * candidate's answer, whatever it is, goes to the client intact; if it could not be reached either, the
 * last backpressure reply seen is returned, else 502.
 */
export async function forward(deps: ForwardDeps, request: RequestState): Promise<Response> {
  const { fleet, metrics } = deps;
  const { model, signal } = request;
  const attempts = request.candidates.slice(0, deps.maxAttempts);
  let backpressure: { status: number; headers: Record<string, string>; bytes: Uint8Array } | null = null;
  let lastFailure = "no candidate";
  for (let index = 0; index < attempts.length; index++) {
    const candidate = attempts[index] as RouteCandidate;
    const isLast = index === attempts.length - 1;
    const node = fleet.node(candidate.node);
    if (node === undefined) continue;
    const labels = { model, node: node.name };
    const ticket = fleet.startRequest(node, model, deps.now());
    const attemptStartedAt = performance.now();
    const headers = buildUpstreamHeaders(request.clientHeaders, node.authToken, request.identity);
    headers["x-request-id"] = request.requestId;
    // The neuron echoes it in the Response objects it writes (it never sees the chain itself).
    const previous = request.responsesTurn?.previousResponseId;
    if (previous != null) headers["x-helexa-previous-response-id"] = previous;
    const lookupUsage = request.guard.metered
      ? () => fetchRequestUsage(node.endpoint, node.authToken, request.requestId)
      : undefined;
    const { call, reply } = startUpstreamCall(
      deps.upstream,
      `${node.endpoint}${request.route}`,
      { headers, body: request.body },
      signal,
      request.stream ? deps.idleTimeoutMs : deps.responseTimeoutMs,
    );
    let upstream: UpstreamReply;
    try {
      upstream = await reply;
    } catch (error) {
      request.waitedMs += performance.now() - attemptStartedAt;
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
          request.guard.settleWhenKnown(
            learned,
            request.guard.reservedUsage(request.promptEstimate()),
            node.name,
            "aborted",
          );
        }
        throw clientClosedRequest();
      }
      metrics.requestErrors.inc(labels);
      if (call.abortReason !== null) throw upstreamTimeout(node.name);
      const reason = describeFetchError(error);
      // Nothing is listening there: the node is marked unhealthy at once.
      if (isUnreachable(reason)) fleet.markUnreachable(node, reason, deps.unhealthyAfterFailures);
      deps.logger.warn({ event: "upstream_failed", model, node: node.name, reason }, "neuron unreachable");
      lastFailure = `${node.name}: ${reason}`;
      if (!isLast) metrics.retries.inc({ ...labels, reason: "unreachable" });
      continue;
    }
    if ((upstream.status === 503 || upstream.status === 429) && !isLast) {
      const bytes = await readMessage(upstream.message).catch(() => new Uint8Array(0));
      request.waitedMs += performance.now() - attemptStartedAt;
      call.dispose();
      fleet.finishRequest(ticket);
      backpressure = { status: upstream.status, headers: upstream.headers, bytes };
      metrics.retries.inc({ ...labels, reason: "backpressure" });
      continue;
    }
    if (request.coldStart) metrics.coldStarts.inc(labels);
    return await finishResponse(upstream, deps, request, {
      node: node.name,
      ticket,
      call,
      attemptStartedAt,
      lookupUsage,
    });
  }
  request.guard.release(null, "error");
  if (backpressure !== null) {
    return new Response(backpressure.bytes, { status: backpressure.status, headers: backpressure.headers });
  }
  throw upstreamError(`upstream request failed (${lastFailure})`);
}
