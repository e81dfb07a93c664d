import type { ServerResponse } from "node:http";
import { upstreamError } from "@helexa/core";
import type { Usage } from "../../entitlements/entitlements.js";
import type { FleetState, ReplicaTicket } from "../../fleet/fleet-state.js";
import type { CortexMetrics } from "../../metrics/create-cortex-metrics.js";
import { readMessage, type UpstreamCall, type UpstreamReply } from "../../proxy/create-upstream-client.js";
import { buildDownstreamHeaders } from "../../proxy/proxy-headers.js";
import { readUsage } from "../../proxy/read-usage.js";
import { nodeReplyWriter, type WrittenReply, webReplyWriter } from "../../proxy/reply-writer.js";
import type { TapResult } from "../../proxy/stream-tap.js";
import type { ResponsesTurn } from "../../responses/prepare-responses-turn.js";
import { readFinalResponse } from "../../responses/read-final-response.js";
import type { UpstreamRoute } from "../dispatch.js";
import { errorFrame } from "./error-frame.js";
import type { RequestUsageAnswer } from "./fetch-request-usage.js";
import { nextSequenceNumber } from "./next-sequence-number.js";
import type { SettleGuard } from "./settle-guard.js";
import { recordTokens, settleFromNeuron, settleStream } from "./settle-reply.js";

const TAIL_BYTES = 64 * 1024;
/**
 * The tail a stream to be stored keeps: its terminal `response.completed` event repeats the whole output, so
 * the usage tail would drop long replies.
 */
const STORED_STREAM_TAIL_BYTES = 16 * 1024 * 1024;

/** Everything needed to turn the chosen neuron's answer into the client's response. */
export interface FinishContext {
  route: UpstreamRoute;
  model: string;
  node: string;
  fleet: FleetState;
  metrics: CortexMetrics;
  guard: SettleGuard;
  ticket: ReplicaTicket;
  call: UpstreamCall;
  /** performance.now() when cortex began the request / this attempt. */
  startedAt: number;
  attemptStartedAt: number;
  /** ms spent awaiting neurons and loads before this attempt's headers. */
  waitedMs: number;
  idleTimeoutMs: number;
  /** Prompt tokens to settle with when the reply carried no usage. */
  promptEstimate: () => number;
  /** The client's Node response, when the reply is to be written straight to it. */
  outgoing?: ServerResponse | undefined;
  /** Asks this neuron what the request generated (by the `x-request-id` cortex sent it); unmetered: none. */
  lookupUsage?: (() => Promise<RequestUsageAnswer>) | undefined;
  /** Returned to the client as `x-request-id`. */
  clientRequestId: string;
  /** A `/v1/responses` request with a response store: its reply is stored and echoes `previous_response_id`. */
  responsesTurn?: ResponsesTurn | undefined;
}

/**
 * Builds the client's response from the neuron's: status and headers (minus hop-by-hop) pass through with
 * `Server-Timing: cortex;dur=<ms>`. An SSE body streams through a tap that reads usage at the end; any
 * other body is small and read whole (one write downstream). Usage is settled once; an error reply
 * releases the reservation. With `outgoing` the reply is written to it directly and the result is
 * @hono/node-server's `RESPONSE_ALREADY_SENT`; without, it is a `Response`.
 */
export async function finishResponse(upstream: UpstreamReply, context: FinishContext): Promise<WrittenReply> {
  const { metrics, model, node } = context;
  const labels = { model, node };
  const headersAt = performance.now();
  metrics.requests.inc(labels);
  metrics.requestDuration.observe(labels, (headersAt - context.attemptStartedAt) / 1000);
  const headers = buildDownstreamHeaders(upstream.headers);
  headers["x-request-id"] = context.clientRequestId;
  const ok = upstream.status >= 200 && upstream.status < 300;
  const isStream = (headers["content-type"] ?? "").startsWith("text/event-stream");
  const writer = context.outgoing === undefined ? webReplyWriter : nodeReplyWriter(context.outgoing);

  if (isStream && ok) {
    context.call.clearTimer();
    // What a stream cut on cortex's side is charged: settled at the finish, said in the error frame after.
    let cutCharge: Usage | undefined;
    const tapOptions = {
      idleTimeoutMs: context.idleTimeoutMs,
      tailBytes: context.responsesTurn?.keeps === true ? STORED_STREAM_TAIL_BYTES : undefined,
      abortUpstream: (reason: string) => context.call.abort(reason),
      errorFrame: (message: string, tail: string) =>
        errorFrame(context.route, message, undefined, nextSequenceNumber(tail), cutCharge),
      onFinish: (result: TapResult) => {
        cutCharge = settleStream(result, context);
        if (result.outcome === "ok" && context.responsesTurn !== undefined) {
          const final = readFinalResponse(result.tail);
          if (final !== null) context.responsesTurn.record(withPrevious(final, context.responsesTurn));
        }
      },
    };
    stampOverhead(headers, context, headersAt);
    return writer.stream(upstream.message, { status: upstream.status, headers }, tapOptions);
  }

  context.call.rearm(context.idleTimeoutMs);
  let bytes: Buffer | Uint8Array;
  try {
    bytes = await readMessage(upstream.message);
  } catch (error) {
    context.call.dispose();
    context.fleet.finishRequest(context.ticket);
    metrics.requestErrors.inc(labels);
    // The neuron may have generated the whole answer by now: charge what it says it made.
    settleFromNeuron(context, context.call.abortReason === null ? "aborted" : "error", null);
    throw upstreamError("failed to read the upstream response", "upstream_connection_error", error);
  }
  const bodyRead = performance.now();
  context.call.dispose();
  context.fleet.finishRequest(context.ticket);
  if (ok) {
    // Usage keys and numbers are ASCII, which latin1 keeps byte for byte (no UTF-8 validation needed).
    const usage = readUsage(bytes.toString("latin1", Math.max(0, bytes.byteLength - TAIL_BYTES)));
    recordTokens(context, usage);
    context.guard.settle(
      usage ?? { promptTokens: context.promptEstimate(), completionTokens: 0 },
      node,
      "ok",
    );
    if (context.responsesTurn !== undefined) bytes = recordWhole(bytes, context.responsesTurn, headers);
  } else {
    context.guard.release(node, "error");
  }
  stampOverhead(headers, context, headersAt, bodyRead - headersAt);
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
  context: FinishContext,
  headersAt: number,
  bodyReadMs = 0,
): void {
  const upstreamWait = headersAt - context.attemptStartedAt;
  const overheadMs = Math.max(
    0,
    performance.now() - context.startedAt - context.waitedMs - upstreamWait - bodyReadMs,
  );
  const timing = `cortex;dur=${overheadMs.toFixed(3)}`;
  const existing = headers["server-timing"];
  headers["server-timing"] = existing === undefined ? timing : `${existing}, ${timing}`;
  context.metrics.gatewayOverhead.observe({ route: context.route }, overheadMs / 1000);
}
