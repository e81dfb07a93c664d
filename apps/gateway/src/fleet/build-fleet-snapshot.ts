import type { FleetModelEntry, FleetNode, FleetSnapshot, ModelLoad } from "@helexa/core";
import type { FleetState } from "./fleet-state.js";
import type { NodeState } from "./node-state.js";

/**
 * The fleet as `planRoute` takes it, at this instant. Each replica's `in_flight` includes the requests
 * cortex dispatched there since the last `/health` poll, so a burst between two polls spreads.
 */
export function buildFleetSnapshot(fleet: FleetState): FleetSnapshot {
  return { nodes: fleet.nodes.map(cachedFleetNode) };
}

const cache = new WeakMap<NodeState, { version: number; node: FleetNode }>();

/**
 * A node's snapshot, rebuilt only when something about it changed since the last one: every
 * `FleetState` mutator bumps the node's `version`, and nothing else can write a node.
 */
function cachedFleetNode(node: NodeState): FleetNode {
  const hit = cache.get(node);
  if (hit !== undefined && hit.version === node.version) return hit.node;
  const built = toFleetNode(node);
  cache.set(node, { version: node.version, node: built });
  return built;
}

/** One node as the planner sees it. */
export function toFleetNode(node: NodeState): FleetNode {
  const models: FleetModelEntry[] = [];
  for (const info of node.models.values()) {
    models.push({
      id: info.id,
      status: info.status,
      last_accessed_ms: node.lastAccessed.get(info.id) ?? null,
      vram_mb: info.vram_used_mb ?? null,
      devices: info.devices,
      limit: info.limit ?? null,
    });
  }
  const load: ModelLoad[] = [];
  for (const polled of node.load.values()) {
    const extra = node.sincePoll.get(polled.id) ?? 0;
    load.push(extra === 0 ? polled : { ...polled, in_flight: polled.in_flight + extra });
  }
  for (const [id, extra] of node.sincePoll) {
    if (!node.load.has(id)) load.push({ id, in_flight: extra, queue_depth: 0 });
  }
  return {
    name: node.name,
    healthy: node.healthy,
    draining: node.draining,
    devices: node.discovery === null ? null : node.discovery.devices,
    device_health: [...node.devices],
    models,
    load,
  };
}
