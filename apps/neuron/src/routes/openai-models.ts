import { modelNotFound } from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";

/**
 * `GET /v1/models`: the models serving now, in OpenAI's list shape, and `GET /v1/models/{id}`: one entry
 * of that list (for clients pointed straight at a neuron; an id may hold a `/`, raw or percent-encoded).
 * A model that is unknown or not serving → 404 `model_not_found`.
 */
export function openAiModelsRoutes(deps: NeuronAppDeps): Hono {
  const list = () => {
    const created = Math.floor(deps.startedAt / 1000);
    return deps.registry
      .entries()
      .filter((entry) => entry.status === "loaded")
      .map((entry) => ({ id: entry.id, object: "model" as const, created, owned_by: "helexa" }));
  };
  return new Hono()
    .get("/v1/models", (c) => c.json({ object: "list" as const, data: list() }))
    .get("/v1/models/:id{.+}", (c) => {
      const id = c.req.param("id");
      const model = list().find((entry) => entry.id === id);
      if (model === undefined) throw modelNotFound(id);
      return c.json(model);
    });
}
