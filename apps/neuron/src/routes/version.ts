import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";

/** `GET /version`: build identity. */
export function versionRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().get("/version", (c) => c.json(deps.buildInfo));
}
