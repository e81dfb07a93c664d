import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { FleetState } from "../fleet/fleet-state.js";
import { freeVramMb } from "../fleet/node-state.js";

type ModelNode = "model" | "node";

/** Every `cortex_*` series. Labels are bounded: resolved model ids, configured node names, route patterns. */
export interface CortexMetrics {
  requests: Counter<ModelNode>;
  coldStarts: Counter<ModelNode>;
  requestDuration: Histogram<ModelNode>;
  requestErrors: Counter<ModelNode>;
  timeToFirstToken: Histogram<ModelNode>;
  tokensPerSecond: Histogram<ModelNode>;
  promptTokens: Counter<ModelNode>;
  completionTokens: Counter<ModelNode>;
  evictions: Counter<ModelNode>;
  retries: Counter<ModelNode | "reason">;
  coldLoadDuration: Histogram<ModelNode | "outcome">;
  gatewayOverhead: Histogram<"route">;
  refusals: Counter<"code">;
  /** Prompt tokens expected to be cached where cache-aware routing sent a request. */
  cacheHitTokens: Counter<ModelNode>;
  /** Prompt tokens the neuron reused from its KV state, as its reply's usage said (`cached_tokens`). */
  cachedPromptTokens: Counter<ModelNode>;
}

/**
 * Registers the series on `registry`. Fleet gauges (node health, replica load, free VRAM) are computed from
 * `fleet` at scrape time, so the request path never touches them.
 */
export function createCortexMetrics(registry: Registry, fleet: FleetState): CortexMetrics {
  const registers = [registry];
  const modelNode = ["model", "node"] as const;
  const metrics: CortexMetrics = {
    requests: new Counter({
      name: "cortex_requests_total",
      help: "Requests dispatched to a neuron, by resolved model and node.",
      labelNames: modelNode,
      registers,
    }),
    coldStarts: new Counter({
      name: "cortex_cold_starts_total",
      help: "Requests that needed a model load before they could be served.",
      labelNames: modelNode,
      registers,
    }),
    requestDuration: new Histogram({
      name: "cortex_request_duration_seconds",
      help: "From dispatch to the neuron's response headers.",
      labelNames: modelNode,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    requestErrors: new Counter({
      name: "cortex_request_errors_total",
      help: "Dispatches that failed in cortex or on the wire (unreachable, timed out, cut mid-stream).",
      labelNames: modelNode,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: "cortex_time_to_first_token_seconds",
      help: "From dispatch to the first data frame of the neuron's stream.",
      labelNames: modelNode,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    }),
    tokensPerSecond: new Histogram({
      name: "cortex_tokens_per_second",
      help: "Completion tokens per second of a streamed reply.",
      labelNames: modelNode,
      buckets: [1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200, 500, 1000],
      registers,
    }),
    promptTokens: new Counter({
      name: "cortex_prompt_tokens_total",
      help: "Prompt tokens reported by neurons.",
      labelNames: modelNode,
      registers,
    }),
    completionTokens: new Counter({
      name: "cortex_completion_tokens_total",
      help: "Completion tokens reported by neurons.",
      labelNames: modelNode,
      registers,
    }),
    evictions: new Counter({
      name: "cortex_evictions_total",
      help: "Models unloaded by cortex to make room for a cold load.",
      labelNames: modelNode,
      registers,
    }),
    retries: new Counter({
      name: "cortex_retries_total",
      help: "Requests moved to another replica, by the node that refused and why (backpressure, unreachable).",
      labelNames: ["model", "node", "reason"] as const,
      registers,
    }),
    coldLoadDuration: new Histogram({
      name: "cortex_cold_load_duration_seconds",
      help: "Duration of model loads cortex asked a neuron for.",
      labelNames: ["model", "node", "outcome"] as const,
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    gatewayOverhead: new Histogram({
      name: "cortex_gateway_overhead_seconds",
      help: "Time cortex itself spent on a request before the neuron answered (excludes upstream and cold-load waits).",
      labelNames: ["route"] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    }),
    refusals: new Counter({
      name: "cortex_refusals_total",
      help: "Requests cortex refused before dispatch, by error code.",
      labelNames: ["code"] as const,
      registers,
    }),
    cacheHitTokens: new Counter({
      name: "cortex_route_cache_hit_tokens_total",
      help: "Prompt tokens expected to be in the KV state of the replica cache-aware routing chose (over cortex_prompt_tokens_total: the expected hit ratio).",
      labelNames: modelNode,
      registers,
    }),
    cachedPromptTokens: new Counter({
      name: "cortex_cached_prompt_tokens_total",
      help: "Prompt tokens neurons reported reused from KV state (usage cached_tokens; over cortex_prompt_tokens_total: the actual hit ratio).",
      labelNames: modelNode,
      registers,
    }),
  };
  registerFleetGauges(registry, fleet);
  return metrics;
}

function registerFleetGauges(registry: Registry, fleet: FleetState): void {
  const registers = [registry];
  new Gauge({
    name: "cortex_node_healthy",
    help: "1 when the node answered its last polls, else 0.",
    labelNames: ["node"] as const,
    registers,
    collect() {
      for (const node of fleet.nodes) this.set({ node: node.name }, node.healthy ? 1 : 0);
    },
  });
  new Gauge({
    name: "cortex_node_draining",
    help: "1 while the node reports it is draining.",
    labelNames: ["node"] as const,
    registers,
    collect() {
      for (const node of fleet.nodes) this.set({ node: node.name }, node.draining ? 1 : 0);
    },
  });
  new Gauge({
    name: "cortex_node_vram_free_bytes",
    help: "Free VRAM the node last reported, summed over its devices.",
    labelNames: ["node"] as const,
    registers,
    collect() {
      this.reset();
      for (const node of fleet.nodes) {
        const free = freeVramMb(node);
        if (free !== null) this.set({ node: node.name }, free * 1024 * 1024);
      }
    },
  });
  new Gauge({
    name: "cortex_replica_load",
    help: "Routing load per replica: polled in_flight + queue_depth plus cortex's dispatches since that poll.",
    labelNames: ["model", "node"] as const,
    registers,
    collect() {
      this.reset();
      for (const node of fleet.nodes) {
        for (const model of node.models.keys()) {
          this.set({ model, node: node.name }, fleet.replicaLoad(node, model));
        }
      }
    },
  });
}
