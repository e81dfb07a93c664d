import type { LoadSpec } from "../wire/load-spec.js";

/** Why a candidate is in the plan: the rule that put it there. */
export type RouteReason =
  /** The model is loaded (or reloading) there; ranked least busy first. */
  | "least_busy"
  /** The neuron is loading the model right now; the request waits for that load. */
  | "loading_on_node"
  /** The neuron knows the model but has it unloaded; it loads on demand. */
  | "unloaded_on_node"
  /** Catalogue cold load onto a node named in the model's `pinned_on`. */
  | "cold_load_pinned"
  /** Catalogue cold load onto a feasible node, most free VRAM first. */
  | "cold_load_most_free_vram";

/** One place a request may go, in the order cortex should try them. */
export interface RouteCandidate {
  node: string;
  /** The model is not ready there: the request waits for (or triggers) a load. */
  coldLoad: boolean;
  reason: RouteReason;
  /** Load score `busy / max(1, max_in_flight)` for a loaded replica; 0 for a cold candidate. */
  score: number;
  /** `in_flight + queue_depth` for a loaded replica; 0 for a cold candidate. */
  busy: number;
  /** The replica's admission queue is full: it is last, a last resort. */
  queueFull: boolean;
  /** For a cold candidate, the `POST /models/load` body. */
  loadSpec?: LoadSpec;
  /** Free VRAM (MiB) on the devices the load would use, when known. */
  freeVramMb?: number;
  /** Models to unload there first, in order, so the cold load fits; empty when it already fits. */
  evict: string[];
}

/** A successful plan: the resolved id and every candidate, best first. Never empty. */
export interface RoutePlan {
  /** The concrete id after alias resolution: what to send upstream. */
  model: string;
  /** The id the client asked for. */
  requested: string;
  candidates: RouteCandidate[];
}

/** Why no candidate exists. */
export type RouteRefusal =
  | { kind: "no_healthy_nodes"; model: string; requested: string; retryAfterSecs: number }
  | { kind: "model_recovering"; model: string; requested: string; node: string; retryAfterSecs: number }
  | { kind: "model_not_found"; model: string; requested: string }
  | {
      kind: "no_feasible_node";
      model: string;
      requested: string;
      /** `topology`: no node could ever hold it. `capacity`: feasible nodes lack VRAM even after eviction. */
      cause: "topology" | "capacity";
      retryAfterSecs?: number;
    };

/** Outcome of `planRoute`. */
export type PlanRouteResult = { ok: true; plan: RoutePlan } | { ok: false; refusal: RouteRefusal };

/** `Retry-After` when no node is healthy: about one poll interval, when a node may be back. */
export const NO_HEALTHY_NODES_RETRY_AFTER_SECS = 5;
/** `Retry-After` while the model rebuilds its device context, which takes seconds. */
export const MODEL_RECOVERING_RETRY_AFTER_SECS = 2;
/** `Retry-After` when feasible nodes are too full to evict into right now. */
export const NO_CAPACITY_RETRY_AFTER_SECS = 5;
