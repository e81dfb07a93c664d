import { Hono } from "hono";
import type { FleetState } from "../fleet/fleet-state.js";
import type { AppEnv } from "../internal/app-env.js";
import { buildModelList } from "./internal/build-model-list.js";

/** `GET /v1/models`: the catalogue × the fleet (locations, load, limits, cost, aliases). */
export function createModelsRoute(
  fleet: FleetState,
  now: () => number,
  loading: () => ReadonlyArray<{ model: string; node: string }>,
) {
  return new Hono<AppEnv>().get("/v1/models", (c) =>
    c.json({ object: "list", data: buildModelList(fleet, Math.floor(now() / 1000), loading()) }),
  );
}
