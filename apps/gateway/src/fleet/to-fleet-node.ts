import type { FleetModelEntry, FleetNode, ModelLoad } from "@helexa/core";
import type { NodeState } from "./node-state.js";

/**
 * One node as core's planner sees it, at this instant. Each replica's `in_flight` includes the requests
 * cortex dispatched there that the last `/health` reply could not count, so a burst between two polls
 * spreads. `FleetState.snapshot()` caches it per node version.
 */
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
