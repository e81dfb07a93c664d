import { modelNotFound } from "@helexa/core";
import { Hono } from "hono";
import type { FleetState } from "../fleet/fleet-state.js";
import type { AppEnv } from "../internal/app-env.js";
import { buildModelList } from "./internal/build-model-list.js";

/**
 * `GET /v1/models`: the catalogue × the fleet (locations, load, limits, cost, aliases), in a list both
 * OpenAI's and Anthropic's SDKs read, and
 * `GET /v1/models/{id}`: one entry of that list, the same object. Ids may contain `/`
 * (`Qwen/Qwen3-0.6B`), raw or percent-encoded (`Qwen%2FQwen3-0.6B`, as the OpenAI SDKs send it); an alias
 * answers with its own entry (`alias_of`), as the list shows it. Unknown → 404 `model_not_found`.
 */
export function createModelsRoute(
  fleet: FleetState,
  now: () => number,
  loading: () => ReadonlyArray<{ model: string; node: string }>,
) {
  const list = () => buildModelList(fleet, Math.floor(now() / 1000), loading());
  return new Hono<AppEnv>()
    .get("/v1/models", (c) => {
      const data = list();
      // Anthropic's list envelope beside OpenAI's: one page, so no cursor to follow.
      const page = { has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
      return c.json({ object: "list", data, ...page });
    })
    .get("/v1/models/:id{.+}", (c) => {
      const id = c.req.param("id");
      const entry = list().find((candidate) => candidate.id === id);
      if (entry === undefined) throw modelNotFound(id);
      return c.json(entry);
    });
}
