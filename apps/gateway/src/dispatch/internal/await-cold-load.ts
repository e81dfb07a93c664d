import { clientClosedRequest, modelLoadFailed, type RouteCandidate, serviceUnavailable } from "@helexa/core";
import type { ColdLoader } from "../../cold-load/create-cold-loader.js";
import type { ClientSignal } from "../dispatch.js";

/** Seconds a client should wait before retrying a request whose model is still loading. */
export const STILL_LOADING_RETRY_AFTER_SECS = 10;

/**
 * Gets the model loaded on one of the cold candidates, in order (a load already in flight for the model is
 * joined, never duplicated). Waits at most `waitMs` in all: then 503 + Retry-After while the load goes on
 * for whoever asks next. Every candidate failing gives 503 `model_load_failed` with the last reason. Returns the node's name.
 */
export async function awaitColdLoad(options: {
  coldLoader: ColdLoader;
  model: string;
  candidates: readonly RouteCandidate[];
  maxAttempts: number;
  waitMs: number;
  signal: ClientSignal;
}): Promise<string> {
  const { model, signal } = options;
  const deadline = performance.now() + options.waitMs;
  let lastFailure = "no feasible node";
  for (const candidate of options.candidates
    .filter((entry) => entry.coldLoad)
    .slice(0, options.maxAttempts)) {
    const load = options.coldLoader.load({
      model,
      node: candidate.node,
      loadSpec: candidate.loadSpec ?? { model_id: model },
      evict: candidate.evict,
    });
    const outcome = await raceDeadline(load, deadline - performance.now(), signal);
    if (outcome === "aborted") throw clientClosedRequest();
    if (outcome === "timeout") {
      throw serviceUnavailable(
        `model '${model}' is still loading; retry shortly`,
        STILL_LOADING_RETRY_AFTER_SECS,
        { model_id: model },
      );
    }
    if (outcome.ok) return outcome.node;
    lastFailure = `${outcome.node}: ${outcome.message}`;
  }
  throw modelLoadFailed(model, lastFailure);
}

async function raceDeadline<T>(
  promise: Promise<T>,
  ms: number,
  signal: ClientSignal,
): Promise<T | "timeout" | "aborted"> {
  if (signal.aborted) return "aborted";
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, ms));
      }),
      new Promise<"aborted">((resolve) => {
        onAbort = () => resolve("aborted");
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}
