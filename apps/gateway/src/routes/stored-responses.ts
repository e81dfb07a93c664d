import { responseNotFound } from "@helexa/core";
import { Hono } from "hono";
import type { AppEnv } from "../internal/app-env.js";
import type { ResponseStore } from "../responses/response-store.js";

/**
 * `GET /v1/responses/{id}` (the stored Response object), `DELETE /v1/responses/{id}`
 * (`{id, object: "response", deleted: true}`) and `GET /v1/responses/{id}/input_items` (the input items
 * the neuron saw, as a list; `order=asc|desc`, default desc as OpenAI). All scoped to the calling key:
 * another key's id is 404.
 */
export function createStoredResponsesRoute(store: ResponseStore) {
  const owner = (identity: AppEnv["Variables"]["identity"] | undefined) => identity?.keyId ?? null;
  return new Hono<AppEnv>()
    .get("/v1/responses/:id/input_items", async (c) => {
      const id = c.req.param("id");
      const stored = await store.get(id, owner(c.get("identity")));
      if (stored === undefined) throw responseNotFound(id);
      const items = c.req.query("order") === "asc" ? stored.input : [...stored.input].reverse();
      const idOf = (item: unknown) =>
        typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string"
          ? (item as { id: string }).id
          : null;
      return c.json({
        object: "list",
        data: items,
        first_id: idOf(items[0]),
        last_id: idOf(items.at(-1)),
        has_more: false,
      });
    })
    .get("/v1/responses/:id", async (c) => {
      const id = c.req.param("id");
      const stored = await store.get(id, owner(c.get("identity")));
      if (stored === undefined) throw responseNotFound(id);
      return c.json(stored.response);
    })
    .delete("/v1/responses/:id", async (c) => {
      const id = c.req.param("id");
      if (!(await store.delete(id, owner(c.get("identity"))))) throw responseNotFound(id);
      return c.json({ id, object: "response", deleted: true });
    });
}
