import type { FleetState } from "./fleet-state.js";

/**
 * Why no node can take requests, node by node (`a: ECONNREFUSED; b: draining`), for a 503's message and
 * the operator reading it. Reasons are the poller's short ones (an error code, `/models: HTTP 401`):
 * never an endpoint URL, which may carry credentials.
 */
export function describeUnhealthyNodes(fleet: FleetState): string {
  if (fleet.nodes.length === 0) return "no neurons are configured ([[neurons]] in cortex.toml)";
  return fleet.nodes
    .map((node) => {
      if (node.healthy && node.draining) return `${node.name}: draining`;
      if (node.healthy) return `${node.name}: healthy`;
      return `${node.name}: ${node.lastError ?? "not reached yet"}`;
    })
    .join("; ");
}
