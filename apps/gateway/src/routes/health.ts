import { Hono } from "hono";
import type { FleetState } from "../fleet/fleet-state.js";
import { freeVramMb } from "../fleet/node-state.js";

/**
 * `GET /health` and `GET /` (public, always 200): `{status, nodes:{healthy,total}}` (what load balancers
 * and uptime checks read), plus
 * `neurons[]` (name, health, draining, free VRAM, per-replica status and load) for `cortex status`.
 * Endpoints and tokens are never shown.
 */
export function createHealthRoute(fleet: FleetState) {
  const handler = () => Response.json(fleetHealth(fleet));
  return new Hono().get("/health", handler).get("/", handler);
}

/** The `/health` body. */
export function fleetHealth(fleet: FleetState) {
  const healthy = fleet.healthyCount();
  return {
    status: healthy > 0 ? "ok" : "degraded",
    nodes: { healthy, total: fleet.nodes.length },
    neurons: fleet.nodes.map((node) => ({
      name: node.name,
      healthy: node.healthy,
      draining: node.draining,
      last_poll: node.lastPoll === null ? null : new Date(node.lastPoll).toISOString(),
      error: node.healthy ? null : node.lastError,
      free_vram_mb: freeVramMb(node),
      models: [...node.models.values()].map((model) => {
        const load = node.load.get(model.id);
        return {
          id: model.id,
          status: model.status,
          in_flight: (load?.in_flight ?? 0) + (node.sincePoll.get(model.id) ?? 0),
          queue_depth: load?.queue_depth ?? 0,
          max_in_flight: load?.max_in_flight ?? null,
          max_queue_depth: load?.max_queue_depth ?? null,
        };
      }),
    })),
  };
}
