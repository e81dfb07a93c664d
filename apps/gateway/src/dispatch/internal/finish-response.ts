import { upstreamError } from "@helexa/core";
import type { Usage } from "../../entitlements/entitlements.js";
import { readMessage, type UpstreamReply } from "../../proxy/create-upstream-client.js";
import { buildDownstreamHeaders } from "../../proxy/proxy-headers.js";
import { readUsage } from "../../proxy/read-usage.js";
import { nodeReplyWriter, type WrittenReply, webReplyWriter } from "../../proxy/reply-writer.js";
import type { TapResult } from "../../proxy/stream-tap.js";
import type { ResponsesTurn } from "../../responses/prepare-responses-turn.js";
import { readFinalResponse } from "../../responses/read-final-response.js";
import { errorFrame } from "./error-frame.js";
import { nextSequenceNumber } from "./next-sequence-number.js";
import type { ForwardDeps, ReplyAttempt, RequestState } from "./request-state.js";
import { recordTokens, settleFromNeuron, settleStream } from "./settle-reply.js";

const TAIL_BYTES = 64 * 1024;
/**
 * The tail a stream to be stored keeps: its terminal `response.completed` event repeats the whole output, so
 * the usage tail would drop long replies.
 */
const STORED_STREAM_TAIL_BYTES = 16 * 1024 * 1024;

/**
 * Builds the client's response from the neuron's: status and headers (minus hop-by-hop) pass through with
 * `Server-Timing: cortex;dur=<ms>`. An SSE body streams through a tap that reads usage at the end; any
 * other body is small and read whole (one write downstream). Usage is settled once; an error reply
 * releases the reservation. With `outgoing` the reply is written to it directly and the result is
 * @hono/node-server's `RESPONSE_ALREADY_SENT`; without, it is a `Response`.
 */
export async function finishResponse(
  upstream: UpstreamReply,
  deps: ForwardDeps,
  request: RequestState,
  attempt: ReplyAttempt,
): Promise<WrittenReply> {
  const { metrics } = deps;
  const { model } = request;
  const { node } = attempt;
  const labels = { model, node };
  const headersAt = performance.now();
  metrics.requests.inc(labels);
  metrics.requestDuration.observe(labels, (headersAt - attempt.attemptStartedAt) / 1000);
  const headers = buildDownstreamHeaders(upstream.headers);
  headers["x-request-id"] = request.clientRequestId;
  const ok = upstream.status >= 200 && upstream.status < 300;
  const isStream = (headers["content-type"] ?? "").startsWith("text/event-stream");
  const writer = request.outgoing === undefined ? webReplyWriter : nodeReplyWriter(request.outgoing);

  if (isStream && ok) {
    attempt.call.clearTimer();
    // What a stream cut on cortex's side is charged: settled at the finish, said in the error frame after.
    let cutCharge: Usage | undefined;
    const tapOptions = {
      idleTimeoutMs: deps.idleTimeoutMs,
      tailBytes: request.responsesTurn?.keeps === true ? STORED_STREAM_TAIL_BYTES : undefined,
      abortUpstream: (reason: string) => attempt.call.abort(reason),
      errorFrame: (message: string, tail: string) =>
        errorFrame(request.route, message, undefined, nextSequenceNumber(tail), cutCharge),
      onFinish: (result: TapResult) => {
        cutCharge = settleStream(result, deps, request, attempt);
        if (result.outcome === "ok" && request.responsesTurn !== undefined) {
          const final = readFinalResponse(result.tail);
          if (final !== null) request.responsesTurn.record(withPrevious(final, request.responsesTurn));
        }
      },
    };
    stampOverhead(headers, deps, request, attempt, headersAt);
    return writer.stream(upstream.message, { status: upstream.status, headers }, tapOptions);
  }

  attempt.call.rearm(deps.idleTimeoutMs);
  let bytes: Buffer | Uint8Array;
  try {
    bytes = await readMessage(upstream.message);
  } catch (error) {
    attempt.call.dispose();
    deps.fleet.finishRequest(attempt.ticket);
    metrics.requestErrors.inc(labels);
    // The neuron may have generated the whole answer by now: charge what it says it made.
    settleFromNeuron(deps, request, attempt, attempt.call.abortReason === null ? "aborted" : "error", null);
    throw upstreamError("failed to read the upstream response", "upstream_connection_error", error);
  }
  const bodyRead = performance.now();
  attempt.call.dispose();
  deps.fleet.finishRequest(attempt.ticket);
  if (ok) {
    // Usage keys and numbers are ASCII, which latin1 keeps byte for byte (no UTF-8 validation needed).
    const usage = readUsage(bytes.toString("latin1", Math.max(0, bytes.byteLength - TAIL_BYTES)));
    recordTokens(deps, request, attempt, usage);
    request.guard.settle(
      usage ?? { promptTokens: request.promptEstimate(), completionTokens: 0 },
      node,
      "ok",
    );
    if (request.responsesTurn !== undefined) bytes = recordWhole(bytes, request.responsesTurn, headers);
  } else {
    request.guard.release(node, "error");
  }
  stampOverhead(headers, deps, request, attempt, headersAt, bodyRead - headersAt);
  return writer.whole({ status: upstream.status, headers }, bytes);
}

/**
 * Stores a whole Responses reply and, for a chained request, returns it with `previous_response_id`
 * echoed (the neuron answers with null there, as it never sees the id).
 */
function recordWhole(bytes: Uint8Array, turn: ResponsesTurn, headers: Record<string, string>): Uint8Array {
  if (!turn.keeps && turn.previousResponseId === null) return bytes;
  let response: unknown;
  try {
    response = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return bytes;
  }
  if (typeof response !== "object" || response === null || Array.isArray(response)) return bytes;
  const echoed = withPrevious(response as Record<string, unknown>, turn);
  turn.record(echoed);
  if (turn.previousResponseId === null) return bytes;
  const rewritten = Buffer.from(JSON.stringify(echoed));
  headers["content-length"] = String(rewritten.byteLength);
  return rewritten;
}

function withPrevious(response: Record<string, unknown>, turn: ResponsesTurn): Record<string, unknown> {
  return turn.previousResponseId === null
    ? response
    : { ...response, previous_response_id: turn.previousResponseId };
}

/**
 * `Server-Timing: cortex;dur=<ms>` and the overhead histogram: cortex's own time on this request. The
 * window runs from the moment cortex's HTTP listener received the request (headers parsed; `startedAt`)
 * to now, just before the response headers are written, minus every wait on a neuron: cold loads, earlier
 * attempts, the wait for this attempt's headers and, for a body read whole, the read. It counts body
 * reading, routing, budget checks, request building and header conversion; it leaves out the kernel and
 * Node's HTTP parsing before the listener and the write of the response after this point.
 */
function stampOverhead(
  headers: Record<string, string>,
  deps: ForwardDeps,
  request: RequestState,
  attempt: ReplyAttempt,
  headersAt: number,
  bodyReadMs = 0,
): void {
  const upstreamWait = headersAt - attempt.attemptStartedAt;
  const overheadMs = Math.max(
    0,
    performance.now() - request.startedAt - request.waitedMs - upstreamWait - bodyReadMs,
  );
  const timing = `cortex;dur=${overheadMs.toFixed(3)}`;
  const existing = headers["server-timing"];
  headers["server-timing"] = existing === undefined ? timing : `${existing}, ${timing}`;
  deps.metrics.gatewayOverhead.observe({ route: request.route }, overheadMs / 1000);
}
