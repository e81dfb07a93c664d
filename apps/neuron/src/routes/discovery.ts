import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";

/** `GET /discovery`: host and GPU inventory, and the engine backend in use. */
export function discoveryRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().get("/discovery", (c) => c.json(deps.discovery()));
}
