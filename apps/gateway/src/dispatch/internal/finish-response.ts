import { upstreamError } from "@helexa/core";
import type { Usage } from "../../entitlements/entitlements.js";
import { readMessage, type UpstreamReply } from "../../proxy/create-upstream-client.js";
import {
  nodeReplyWriter,
  readUsage,
  type TapResult,
  type WrittenReply,
  webReplyWriter,
} from "../../proxy/reply-writer.js";
import type { ResponsesTurn } from "../../responses/prepare-responses-turn.js";
import { readFinalResponse } from "../../responses/read-final-response.js";
import type { UpstreamRoute } from "../dispatch.js";
import type { ForwardDeps, ReplyAttempt, RequestState } from "./forward.js";

/*
 * The reply's way back, after `forward` found the neuron that answered: status, headers, metrics and
 * `Server-Timing`, the writer chosen (`finishResponse`); at the end usage is settled once (`settleStream`,
 * `settleFromNeuron`, asking the neuron with `fetchRequestUsage` when the reply carried none); a stream
 * that fails after its headers ends with `errorFrame`.
 */

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
  const headers = upstream.headers;
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
  const received = bytes;
  if (ok && request.responsesTurn !== undefined) bytes = recordWhole(bytes, request.responsesTurn, headers);
  stampOverhead(headers, deps, request, attempt, headersAt, bodyRead - headersAt);
  try {
    return writer.whole({ status: upstream.status, headers }, bytes);
  } finally {
    // The client has its reply; usage is settled after it, in the same turn (also if writing threw).
    if (ok) {
      // Usage keys and numbers are ASCII, which latin1 keeps byte for byte (no UTF-8 validation needed).
      const usage = readUsage(received.toString("latin1", Math.max(0, received.byteLength - TAIL_BYTES)));
      recordTokens(deps, request, attempt, usage);
      request.guard.settle(
        usage ?? { promptTokens: request.promptEstimate(), completionTokens: 0 },
        node,
        "ok",
      );
    } else {
      request.guard.release(node, "error");
    }
  }
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

/**
 * Settles a finished stream. One cut on cortex's side (the neuron's connection broke, or went idle) is
 * charged at once, since the neuron may be gone: the usage its tail carried, else the whole hold (the
 * prompt bound and the output part; what was delivered is not known exactly). That charge is returned for
 * the closing error frame to say (when a hold is behind the request: unmetered, nothing is charged).
 */
function settleStream(
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
function settleFromNeuron(
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

function recordTokens(
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

/** How long one lookup waits for a neuron to finish (and report) a generation. */
const USAGE_LOOKUP_WAIT_MS = 5_000;

/** Lookups made while the neuron says the request is still running (the hold stays meanwhile). */
const USAGE_LOOKUP_ATTEMPTS = 12;

/** A neuron's answer: what the request used, that it never ran there (404), or null (cannot tell). */
export type RequestUsageAnswer = { state: "finished"; usage: Usage } | { state: "unknown" } | null;

/**
 * Asks a neuron what a request generated (`GET /v1/requests/{id}/usage`, sent with the `x-request-id`
 * cortex gave it): after a stream that carried no usage (the client did not ask for it) or one the
 * client abandoned. `unknown` (404) when the neuron never admitted it (or is too old to say); null when
 * it could not tell in time (still running after `attempts` waits of `waitMs`) or could not be reached.
 * Never throws.
 */
export async function fetchRequestUsage(
  endpoint: string,
  authToken: string | undefined,
  requestId: string,
  waitMs = USAGE_LOOKUP_WAIT_MS,
  attempts = USAGE_LOOKUP_ATTEMPTS,
): Promise<RequestUsageAnswer> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const answer = await lookupOnce(endpoint, authToken, requestId, waitMs);
    if (answer !== "running") return answer;
  }
  return null;
}

async function lookupOnce(
  endpoint: string,
  authToken: string | undefined,
  requestId: string,
  waitMs: number,
): Promise<RequestUsageAnswer | "running"> {
  try {
    const response = await fetch(
      `${endpoint}/v1/requests/${encodeURIComponent(requestId)}/usage?wait_ms=${waitMs}`,
      {
        headers: authToken === undefined ? {} : { authorization: `Bearer ${authToken}` },
        signal: AbortSignal.timeout(waitMs + 5_000),
      },
    );
    if (!response.ok) {
      await response.body?.cancel();
      return response.status === 404 ? { state: "unknown" } : null;
    }
    const body = (await response.json()) as {
      state?: unknown;
      usage?: {
        prompt_tokens?: unknown;
        completion_tokens?: unknown;
        prompt_tokens_details?: { cached_tokens?: unknown } | null;
      } | null;
    };
    if (body.state === "running") return "running";
    if (body.state !== "finished" || body.usage == null) return null;
    const prompt = body.usage.prompt_tokens;
    const completion = body.usage.completion_tokens;
    if (typeof prompt !== "number" || typeof completion !== "number") return null;
    const usage: Usage = { promptTokens: prompt, completionTokens: completion };
    const cached = body.usage.prompt_tokens_details?.cached_tokens;
    if (typeof cached === "number" && Number.isInteger(cached) && cached >= 0)
      usage.cachedTokens = Math.min(cached, prompt);
    return { state: "finished", usage };
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();

/** OpenAI's error object, every field its schema requires present; extras (`model_id`, …) kept. */
interface OpenAiErrorObject {
  message: string;
  type: string;
  code: string | null;
  param: string | null;
  [extra: string]: unknown;
}

/**
 * The SSE bytes that end a stream which failed after its headers were sent: an OpenAI error object and
 * `[DONE]` for chat and completions (the object alone for `/infill`), a Responses `error` event for `/v1/responses` (with the
 * `sequence_number` OpenAI's schema requires: the next one after what the client has seen, 0 when cortex
 * sent nothing before). A leading newline closes any event the upstream left half-written. With `usage`
 * (what the cut stream is charged) the frame says so beside the error, in the neuron's shape:
 * `{"error":{…},"usage":{prompt_tokens,completion_tokens,total_tokens}}` (Responses: `usage` with
 * `input_tokens` / `output_tokens` / `total_tokens` on the `error` event).
 */
export function errorFrame(
  route: UpstreamRoute,
  message: string,
  code = "upstream_stream_error",
  sequenceNumber = 0,
  usage?: Usage,
): Uint8Array {
  return frame(route, { message, type: "api_error", code, param: null }, sequenceNumber, usage);
}

/**
 * An error body (`{"error":{…}}`: cortex's own rendering or a neuron's reply) as the closing frames of a
 * committed stream. A body that is not such an object, or lacks fields, is completed (`type: api_error`,
 * `code` and `param` null) so the frame still parses as OpenAI's error; its words are kept, nothing more.
 */
export function errorBodyFrame(route: UpstreamRoute, body: string): Uint8Array {
  return frame(route, toErrorObject(body), 0);
}

function frame(
  route: UpstreamRoute,
  error: OpenAiErrorObject,
  sequenceNumber: number,
  usage?: Usage,
): Uint8Array {
  const total = usage === undefined ? 0 : usage.promptTokens + usage.completionTokens;
  if (route === "/v1/responses") {
    const event = {
      type: "error",
      code: error.code,
      message: error.message,
      param: error.param,
      sequence_number: sequenceNumber,
      ...(usage === undefined
        ? {}
        : {
            usage: {
              input_tokens: usage.promptTokens,
              output_tokens: usage.completionTokens,
              total_tokens: total,
            },
          }),
    };
    return encoder.encode(`\nevent: error\ndata: ${JSON.stringify(event)}\n\n`);
  }
  const body = JSON.stringify(
    usage === undefined
      ? { error }
      : {
          error,
          usage: {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: total,
          },
        },
  );
  // llama.cpp's /infill stream ends without [DONE] (its clients parse every data line as JSON).
  if (route === "/infill") return encoder.encode(`\ndata: ${body}\n\n`);
  return encoder.encode(`\ndata: ${body}\n\ndata: [DONE]\n\n`);
}

function toErrorObject(body: string): OpenAiErrorObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : {};
  return {
    ...error,
    message: typeof error.message === "string" ? error.message : "upstream failed",
    type: typeof error.type === "string" ? error.type : "api_error",
    code: typeof error.code === "string" ? error.code : null,
    param: typeof error.param === "string" ? error.param : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One past the last `"sequence_number": N` in `text` (the tail of a Responses stream cortex passed
 * through), or 0 when there is none: the number an event cortex appends to that stream must carry to keep
 * the client's sequence unbroken. A number at the very end of the text may be cut short and is skipped.
 */
export function nextSequenceNumber(text: string): number {
  let last = -1;
  for (const match of text.matchAll(/"sequence_number"\s*:\s*(\d+)(?=\D)/g)) last = Number(match[1]);
  return last + 1;
}
