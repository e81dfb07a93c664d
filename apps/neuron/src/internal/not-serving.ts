import { type HelexaError, modelNotFound, serviceUnavailable } from "@helexa/core";
import type { ModelEntry } from "../supervisor/model-entry.js";

/** `Retry-After` for refusals that clear up soon (a load, a recovery, a shutdown). */
export const retrySoonSecs = 5;

/** 503 while a model reloads after its worker died. */
export function recoveringError(id: string): HelexaError {
  return serviceUnavailable(
    `model '${id}' is recovering after its worker died; retry shortly`,
    retrySoonSecs,
  );
}

/** 503 while a stalled worker is killed and replaced. */
export function stalledError(id: string): HelexaError {
  return serviceUnavailable(
    `model '${id}' stalled (its worker stopped making progress) and is restarting; retry shortly`,
    retrySoonSecs,
  );
}

/** Why an entry cannot take a request now: stalled or recovering, unloaded (404) or still loading. */
export function notServing(entry: ModelEntry): HelexaError {
  if (entry.status === "stalled") return stalledError(entry.id);
  if (entry.status === "recovering") return recoveringError(entry.id);
  if (entry.closing) return modelNotFound(entry.id, `model '${entry.id}' was unloaded`);
  return serviceUnavailable(`model '${entry.id}' is still loading; retry shortly`, retrySoonSecs);
}
