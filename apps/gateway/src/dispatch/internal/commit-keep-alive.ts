import { HelexaError, renderOpenAiError } from "@helexa/core";
import type { UpstreamRoute } from "../dispatch.js";
import { errorBodyFrame, errorFrame } from "./finish-response.js";

const encoder = new TextEncoder();
const KEEP_ALIVE = encoder.encode(": cortex: loading model\n\n");

export interface KeepAliveOptions {
  /** Return `pending` itself if it settles within this long. */
  afterMs: number;
  /** Then send an SSE comment this often until it does. */
  intervalMs: number;
  route: UpstreamRoute;
}

/**
 * For a streaming request that waits on a cold load: if the answer comes quickly it is returned as is
 * (status, Retry-After and all). Otherwise cortex commits to `200 text/event-stream`, sends SSE comments
 * so clients and proxies do not time out, then pipes the neuron's stream once it arrives, or ends with an
 * error event (and `[DONE]`) if the load or the request failed.
 */
export async function commitKeepAlive(
  pending: Promise<Response>,
  options: KeepAliveOptions,
): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const early = await Promise.race([
    pending.then(
      (response) => ({ settled: true as const, response }),
      (error: unknown) => ({ settled: true as const, error }),
    ),
    new Promise<{ settled: false }>((resolve) => {
      timer = setTimeout(() => resolve({ settled: false }), options.afterMs);
    }),
  ]);
  clearTimeout(timer);
  if (early.settled) {
    if ("response" in early) return early.response;
    throw early.error;
  }
  let interval: NodeJS.Timeout | undefined;
  let upstream: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(KEEP_ALIVE);
      interval = setInterval(() => controller.enqueue(KEEP_ALIVE), options.intervalMs);
      let response: Response;
      try {
        response = await pending;
      } catch (error) {
        clearInterval(interval);
        if (cancelled) return;
        const rendered = HelexaError.is(error) ? JSON.stringify(renderOpenAiError(error).body) : null;
        controller.enqueue(
          rendered === null
            ? errorFrame(options.route, "request failed")
            : errorBodyFrame(options.route, rendered),
        );
        controller.close();
        return;
      }
      clearInterval(interval);
      if (cancelled) {
        await response.body?.cancel().catch(() => {});
        return;
      }
      if (!response.ok || response.body === null) {
        const text = await response.text().catch(() => "");
        controller.enqueue(errorBodyFrame(options.route, text || '{"error":{"message":"upstream failed"}}'));
        controller.close();
        return;
      }
      upstream = response.body.getReader();
    },
    async pull(controller) {
      if (upstream === undefined) return;
      const { done, value } = await upstream.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      cancelled = true;
      clearInterval(interval);
      return upstream?.cancel(reason);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
