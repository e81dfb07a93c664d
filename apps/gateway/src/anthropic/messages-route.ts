import { errorFromUpstream, type HelexaError, upstreamError } from "@helexa/core";
import { type Context, Hono } from "hono";
import type { Dispatch, DispatchRequest } from "../dispatch/dispatch.js";
import type { AppEnv } from "../internal/app-env.js";
import { readJsonBody } from "../routes/internal/read-json-body.js";
import { arrivalTime } from "../server/create-api-server.js";
import { convertAnthropicRequest, parseAnthropicMessagesRequest } from "./convert-anthropic-request.js";
import { convertChatCompletionToAnthropic } from "./convert-chat-completion-to-anthropic.js";
import {
  convertCountTokensRequest,
  convertTokenizeReply,
  parseAnthropicCountTokensRequest,
} from "./convert-count-tokens.js";
import { createAnthropicSseStream, type ScheduleInterval } from "./create-anthropic-sse-stream.js";
import { rephraseUpstreamError } from "./internal/rephrase-upstream-error.js";

export interface MessagesRoutesOptions {
  dispatch: Dispatch;
  /** Request bodies over this many bytes get 413. Default 32 MiB (Anthropic's own limit). */
  maxBodyBytes?: number;
  /** Idle time before a stream sends a `ping`. Default 10 000 ms. */
  pingIntervalMs?: number;
  /** Injected for tests; defaults to `setInterval`. */
  scheduleInterval?: ScheduleInterval;
  /** After `[DONE]`, how long a neuron's body may take to end before cortex cuts it. Default 2000 ms. */
  drainGraceMs?: number;
}

const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Anthropic's API on cortex: `POST /v1/messages` (streaming and not) and `POST /v1/messages/count_tokens`.
 * Bodies are validated and translated to OpenAI chat for the neuron, replies translated back. Refusals
 * are thrown as `HelexaError` for the app's `onError`, which renders `/v1/messages*` in Anthropic's
 * envelope; a neuron's error reply is re-rendered the same way, keeping its `Retry-After`, with fleet
 * backpressure (503) becoming 529 `overloaded_error`.
 */
export function createMessagesRoutes(options: MessagesRoutesOptions): Hono<AppEnv> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const baseRequest = (c: Context<AppEnv>, originalBody: unknown) => ({
    headers: c.req.raw.headers,
    signal: c.req.raw.signal,
    identity: c.get("identity") ?? null,
    originalBody,
  });

  return new Hono<AppEnv>()
    .post("/v1/messages", async (c) => {
      const startedAt = arrivalTime(c.env?.incoming, performance.now());
      const { body } = await readJsonBody(c.req.raw, maxBodyBytes, false);
      const request = parseAnthropicMessagesRequest(body);
      const dispatchRequest: DispatchRequest = {
        ...baseRequest(c, body),
        route: "/v1/chat/completions",
        body: convertAnthropicRequest(request),
        startedAt,
      };
      const upstream = await options.dispatch(dispatchRequest);
      if (!upstream.ok) throw await upstreamFailure(upstream);
      const headers = passThroughHeaders(upstream);
      const stopSequences = request.stop_sequences ?? [];
      if (request.stream === true) {
        if (upstream.body === null)
          throw upstreamError("upstream sent no stream", "upstream_malformed_response");
        const inputTokens = promptTokensOf(upstream);
        const stream = createAnthropicSseStream(upstream.body, {
          model: request.model,
          stopSequences,
          ...(inputTokens === undefined ? {} : { inputTokens }),
          ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
          ...(options.scheduleInterval === undefined ? {} : { scheduleInterval: options.scheduleInterval }),
          ...(options.drainGraceMs === undefined ? {} : { drainGraceMs: options.drainGraceMs }),
        });
        return new Response(stream, {
          status: 200,
          headers: { ...headers, "content-type": "text/event-stream", "cache-control": "no-cache" },
        });
      }
      const message = convertChatCompletionToAnthropic(await readUpstreamJson(upstream), {
        model: request.model,
        stopSequences,
      });
      return c.json(message, 200, headers);
    })
    .post("/v1/messages/count_tokens", async (c) => {
      const startedAt = arrivalTime(c.env?.incoming, performance.now());
      const { body } = await readJsonBody(c.req.raw, maxBodyBytes, false);
      const request = parseAnthropicCountTokensRequest(body);
      const upstream = await options.dispatch({
        ...baseRequest(c, body),
        route: "/v1/tokenize",
        body: convertCountTokensRequest(request),
        startedAt,
      });
      if (!upstream.ok) throw await upstreamFailure(upstream);
      return c.json(
        convertTokenizeReply(await readUpstreamJson(upstream)),
        200,
        passThroughHeaders(upstream),
      );
    });
}

/**
 * A neuron's error reply as a `HelexaError`, its message, `Retry-After` and request id kept, and an OpenAI
 * field path it names turned into the Anthropic field it came from (`rephraseUpstreamError`).
 */
async function upstreamFailure(upstream: Response): Promise<HelexaError> {
  const text = await upstream.text().catch(() => "");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: errorFromUpstream falls back to "upstream returned <status>"
  }
  const retryAfter = Number(upstream.headers.get("retry-after") ?? Number.NaN);
  const error = rephraseUpstreamError(
    errorFromUpstream(
      upstream.status,
      body,
      Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
    ),
  );
  const requestId = upstream.headers.get("x-request-id");
  return requestId === null ? error : error.withHeaders({ "x-request-id": requestId });
}

async function readUpstreamJson(upstream: Response): Promise<unknown> {
  let text: string;
  try {
    text = await upstream.text();
  } catch (error) {
    throw upstreamError("failed to read the upstream response", "upstream_connection_error", error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw upstreamError("malformed upstream response", "upstream_malformed_response", error);
  }
}

/**
 * The prompt's exact token count, which the neuron sends as `x-helexa-prompt-tokens` when its reply opens:
 * what a stream's `message_start` says as `input_tokens` (Claude Code reads it there), before any usage.
 */
function promptTokensOf(upstream: Response): number | undefined {
  const header = upstream.headers.get("x-helexa-prompt-tokens");
  if (header === null || !/^\d{1,9}$/.test(header)) return undefined;
  return Number(header);
}

/**
 * Headers worth keeping from the neuron's reply (cortex's timing, the request's id, which the app's
 * request-id middleware repeats as `request-id`); the body's own headers are rebuilt.
 */
function passThroughHeaders(upstream: Response): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ["server-timing", "x-request-id"]) {
    const value = upstream.headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}
