import type { UpstreamClient, UpstreamReply } from "../../proxy/create-upstream-client.js";
import type { ClientSignal } from "../dispatch.js";

/** One upstream request, linked to the client's signal and to a timeout. */
export interface UpstreamCall {
  /** Why cortex (not the client) aborted the call: "timeout" or "idle timeout". */
  abortReason: string | null;
  /** Aborts the request or its body, for `reason`. */
  abort(reason: string): void;
  /** Re-arms the timeout (after headers: the idle timeout for the body). */
  rearm(ms: number): void;
  /** Stops the timeout (a tapped stream keeps its own idle timer). */
  clearTimer(): void;
  /** Clears the timer and the client-signal listener. Idempotent. */
  dispose(): void;
}

/** Starts the neuron request; the returned call must be disposed whatever happens. */
export function startUpstreamCall(
  client: UpstreamClient,
  url: string,
  init: { headers: Record<string, string>; body: string },
  clientSignal: ClientSignal,
  timeoutMs: number,
): { call: UpstreamCall; reply: Promise<UpstreamReply> } {
  const request = client.post(url, init.headers, init.body);
  let timer: NodeJS.Timeout | undefined;
  const onClientAbort = () => request.abort(new Error("client disconnected"));
  const call: UpstreamCall = {
    abortReason: null,
    abort(reason) {
      call.abortReason ??= reason;
      request.abort(new Error(reason));
    },
    rearm(ms) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => call.abort("timeout"), ms);
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
  if (clientSignal.aborted) onClientAbort();
  else clientSignal.addEventListener("abort", onClientAbort, { once: true });
  call.rearm(timeoutMs);
  return { call, reply: request.reply };
}
