import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";

/** `GET /v1/models`: the models serving now, in OpenAI's list shape (for clients pointed straight at a neuron). */
export function openAiModelsRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().get("/v1/models", (c) => {
    const created = Math.floor(deps.startedAt / 1000);
    const data = deps.registry
      .entries()
      .filter((entry) => entry.status === "loaded")
      .map((entry) => ({ id: entry.id, object: "model" as const, created, owned_by: "helexa" }));
    return c.json({ object: "list" as const, data });
  });
}
