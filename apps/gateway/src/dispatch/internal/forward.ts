import { clientClosedRequest, type RouteCandidate, upstreamError, upstreamTimeout } from "@helexa/core";
import { describeFetchError } from "../../fleet/neuron-client.js";
import { readMessage, startUpstreamCall, type UpstreamReply } from "../../proxy/create-upstream-client.js";
import { buildDownstreamHeaders, buildUpstreamHeaders } from "../../proxy/proxy-headers.js";
import { fetchRequestUsage } from "./fetch-request-usage.js";
import { finishResponse } from "./finish-response.js";
import type { ForwardDeps, RequestState } from "./request-state.js";

/** Errors that mean nothing is listening there: the node is marked unhealthy at once. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

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
    const lookupUsage = request.metered
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
      if (UNREACHABLE.has(reason)) fleet.markUnreachable(node, reason, deps.unhealthyAfterFailures);
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
      backpressure = { status: upstream.status, headers: buildDownstreamHeaders(upstream.headers), bytes };
      metrics.retries.inc({ ...labels, reason: "backpressure" });
      continue;
    }
    if (request.coldStart) metrics.coldStarts.inc(labels);
    return finishResponse(upstream, deps, request, {
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
