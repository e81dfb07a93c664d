import { modelNotFound } from "../errors/client-errors.js";
import type { HelexaError } from "../errors/helexa-error.js";
import { serviceUnavailable } from "../errors/server-errors.js";
import type { RouteRefusal } from "./route-plan.js";

/**
 * The client-facing error for a routing refusal. A catalogue model with no feasible node is 503
 * `service_unavailable`, not 404: the model exists, the fleet just cannot hold it now.
 * - `model_not_found`: 404 `invalid_request_error` / `model_not_found`, `param: "model"`;
 * - `no_healthy_nodes`: 503 `api_error` / `service_unavailable`, Retry-After 5;
 * - `model_recovering`: 503, Retry-After 2, with `node` inside `error`;
 * - `no_feasible_node`: 503, with a Retry-After only when capacity (not topology) is the cause.
 * Messages name the resolved id, not the alias.
 */
export function routeRefusalToError(refusal: RouteRefusal): HelexaError {
  switch (refusal.kind) {
    case "model_not_found":
      return modelNotFound(
        refusal.model,
        `model '${refusal.model}' not found on any node and not in catalogue`,
      );
    case "no_healthy_nodes":
      return serviceUnavailable("no healthy nodes available", refusal.retryAfterSecs);
    case "model_recovering":
      return serviceUnavailable(
        `model '${refusal.model}' is recovering on node '${refusal.node}' (device context rebuild in progress) — retry shortly`,
        refusal.retryAfterSecs,
        { model_id: refusal.model, node: refusal.node },
      );
    case "no_feasible_node":
      return serviceUnavailable(
        refusal.cause === "topology"
          ? `model '${refusal.model}' is in the catalogue but no healthy neuron's topology satisfies its constraints`
          : `model '${refusal.model}' is in the catalogue but no feasible neuron has enough free VRAM, even after evicting idle models — retry shortly`,
        refusal.retryAfterSecs,
        { model_id: refusal.model },
      );
  }
}
