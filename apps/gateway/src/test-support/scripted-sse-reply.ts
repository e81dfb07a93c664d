/** One step of a scripted SSE body: a `data` object, a raw `data` string (`[DONE]`), or a wait. */
export type SseStep = Record<string, unknown> | string | Promise<unknown>;

export interface ScriptedSseOptions {
  /** Called when the reader of the body goes away before the script ended (cortex cut the request). */
  onCancel?: () => void;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * A `text/event-stream` reply that plays `steps` in order: objects and strings become `data:` frames, a
 * promise holds the body until it settles. A script that ends with a promise keeps the response open
 * after its last frame, as a neuron does between its `[DONE]` and the end of the chunked body.
 */
export function scriptedSseReply(steps: readonly SseStep[], options: ScriptedSseOptions = {}): Response {
  const encoder = new TextEncoder();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const step of steps) {
        if (cancelled) return;
        if (step instanceof Promise) {
          await step;
          continue;
        }
        const data = typeof step === "string" ? step : JSON.stringify(step);
        controller.enqueue(encoder.encode(`data: ${data}\n\n`));
      }
      if (!cancelled) controller.close();
    },
    cancel() {
      cancelled = true;
      options.onCancel?.();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...options.headers },
  });
}
