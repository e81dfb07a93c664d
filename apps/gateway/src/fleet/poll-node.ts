import { discoverySchema, healthSchema, modelListSchema } from "@helexa/core";
import { type FetchFunction, getNeuronJson } from "./neuron-client.js";
import type { NodeState } from "./node-state.js";

export interface PollNodeOptions {
  fetch: FetchFunction;
  timeoutMs: number;
  /** Consecutive failed `/models` polls before the node is marked unhealthy. */
  unhealthyAfterFailures: number;
  now: () => number;
}

/** What one poll found, for logging transitions. */
export interface PollOutcome {
  wasHealthy: boolean;
  healthy: boolean;
  error: string | null;
}

/**
 * Polls one neuron: `/discovery` until it has answered once, then `/models` and `/health` together.
 * `/models` alone decides health; `/health` carries load, devices, activation and draining.
 */
export async function pollNode(node: NodeState, options: PollNodeOptions): Promise<PollOutcome> {
  const { fetch, timeoutMs } = options;
  const wasHealthy = node.healthy;
  const [discovery, models, health] = await Promise.all([
    node.discovery === null ? getNeuronJson(fetch, node, "/discovery", discoverySchema, timeoutMs) : null,
    getNeuronJson(fetch, node, "/models", modelListSchema, timeoutMs),
    getNeuronJson(fetch, node, "/health", healthSchema, timeoutMs),
  ]);
  node.version++;
  if (discovery?.ok) node.discovery = discovery.value;

  if (!models.ok) {
    node.consecutiveFailures++;
    node.lastError = models.message;
    if (node.consecutiveFailures >= options.unhealthyAfterFailures) node.healthy = false;
    return { wasHealthy, healthy: node.healthy, error: models.message };
  }
  node.consecutiveFailures = 0;
  node.lastError = null;
  node.healthy = true;
  node.lastPoll = options.now();
  const seen = new Map(models.value.map((model) => [model.id, model]));
  node.models = seen;
  for (const id of node.lastAccessed.keys()) if (!seen.has(id)) node.lastAccessed.delete(id);

  if (health.ok) {
    node.draining = health.value.draining === true;
    node.devices = health.value.devices;
    node.activation = health.value.activation;
    node.load = new Map(health.value.models.map((load) => [load.id, load]));
    node.sincePoll.clear();
    node.loadEpoch++;
  }
  return { wasHealthy, healthy: true, error: null };
}

/** Marks a node unhealthy at once (a dispatch could not connect); the next good poll revives it. */
export function markUnreachable(node: NodeState, reason: string, unhealthyAfterFailures: number): void {
  node.consecutiveFailures = Math.max(node.consecutiveFailures + 1, unhealthyAfterFailures);
  node.lastError = reason;
  node.healthy = false;
  node.version++;
}
