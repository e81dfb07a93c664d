import type { FetchFunction } from "../../fleet/neuron-client.js";

/** One upstream request with its own abort controller, linked to the client's signal and a header timeout. */
export interface UpstreamCall {
  readonly controller: AbortController;
  /** Why the call was aborted by cortex (not the client): "timeout" or "idle timeout". */
  abortReason: string | null;
  /** Re-arms the timeout (after headers: the idle timeout for the body). */
  rearm(ms: number): void;
  /** Stops the timeout (a tapped stream keeps its own idle timer). */
  clearTimer(): void;
  /** Clears the timer and the client-signal listener. Idempotent. */
  dispose(): void;
}

/** Starts `fetch` to a neuron; the returned call must be disposed whatever happens. */
export function startUpstreamCall(
  fetch: FetchFunction,
  url: string,
  init: { headers: Record<string, string>; body: string },
  clientSignal: AbortSignal,
  timeoutMs: number,
): { call: UpstreamCall; response: Promise<Response> } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onClientAbort = () => controller.abort(clientSignal.reason);
  const call: UpstreamCall = {
    controller,
    abortReason: null,
    rearm(ms) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        call.abortReason = "timeout";
        controller.abort(new Error("upstream timeout"));
      }, ms);
      timer.unref?.();
    },
    clearTimer() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    dispose() {
      call.clearTimer();
      clientSignal.removeEventListener("abort", onClientAbort);
    },
  };
  if (clientSignal.aborted) controller.abort(clientSignal.reason);
  else clientSignal.addEventListener("abort", onClientAbort, { once: true });
  call.rearm(timeoutMs);
  const response = fetch(url, {
    method: "POST",
    headers: init.headers,
    body: init.body,
    signal: controller.signal,
  });
  return { call, response };
}
