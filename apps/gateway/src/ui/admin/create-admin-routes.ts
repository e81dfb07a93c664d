import { buildLoadSpec, type LoadSpec, neuronActionFailed, unknownTarget } from "@helexa/core";
import { Hono } from "hono";
import { z } from "zod";
import type { ColdLoader } from "../../cold-load/create-cold-loader.js";
import type { Entitlements } from "../../entitlements/entitlements.js";
import type { FleetState } from "../../fleet/fleet-state.js";
import { type FetchFunction, postNeuronJson } from "../../fleet/neuron-client.js";
import type { NodeState } from "../../fleet/node-state.js";
import type { AppEnv } from "../../internal/app-env.js";
import { redactPaths } from "../../internal/redact-paths.js";
import { resolveDashboardAccess } from "../dashboard-access.js";
import { actionConflict } from "./admin-errors.js";
import type { ActionLog } from "./create-action-log.js";
import { pinModel } from "./pin-model.js";
import { checkAdminRequest, readAdminBody } from "./read-admin-body.js";

export interface AdminRoutesOptions {
  fleet: FleetState;
  fetch: FetchFunction;
  coldLoader: ColdLoader;
  entitlements: Entitlements | undefined;
  actions: ActionLog;
  /** Re-polls a node after an unload, so the dashboard shows it at once. */
  refreshNode: (name: string) => Promise<void>;
  controlTimeoutMs: number;
}

const targetSchema = z.strictObject({ model: z.string().min(1), node: z.string().min(1) });

/**
 * `/admin/*`, the dashboard's actions, for admin keys only (403 `admin_required` for any other; open
 * mode allows them, like the rest of an open cortex). Bodies are JSON `{model, node}`:
 * - `POST /admin/models/load`: starts loading the model on that node (the neuron's own token is used;
 *   it never reaches the browser) and answers 202 at once; progress shows in the fleet view.
 * - `POST /admin/models/unload`: unloads it there (refused while requests are in flight).
 * - `POST /admin/models/pin` / `unpin`: a run-time change of the catalogue model's `pinned_on`, in memory.
 * - `GET /admin/actions`: the last 20 actions and how they ended.
 */
export function createAdminRoutes(options: AdminRoutesOptions): Hono<AppEnv> {
  const { fleet, actions } = options;
  const admin = (c: Parameters<typeof checkAdminRequest>[0]) => {
    const access = resolveDashboardAccess(c, options.entitlements);
    checkAdminRequest(c, access);
    return access.identity?.keyId ?? null;
  };
  const nodeNamed = (name: string): NodeState => {
    const node = fleet.node(name);
    if (node === undefined) throw unknownTarget("node", name);
    return node;
  };

  return new Hono<AppEnv>()
    .get("/admin/actions", (c) => {
      admin(c);
      return c.json({ object: "list", data: actions.list() });
    })
    .post("/admin/models/load", async (c) => {
      const by = admin(c);
      const target = await readAdminBody(c, targetSchema);
      const node = nodeNamed(target.node);
      if (node.models.get(target.model)?.status === "loaded") {
        return c.json({ model: target.model, node: node.name, status: "loaded" });
      }
      const loading = options.coldLoader.inProgress().find((load) => load.model === target.model);
      if (loading !== undefined) {
        throw actionConflict(`model '${target.model}' is already loading on '${loading.node}'`, "model");
      }
      const loadSpec = loadSpecFor(fleet, node, target.model);
      const entry = actions.start({ action: "load", model: target.model, node: node.name, by });
      void options.coldLoader
        .load({ model: target.model, node: node.name, loadSpec, evict: [] })
        .then((result) => actions.finish(entry, result.ok ? { ok: true } : result));
      return c.json({ model: target.model, node: node.name, status: "loading", action: entry.id }, 202);
    })
    .post("/admin/models/unload", async (c) => {
      const by = admin(c);
      const target = await readAdminBody(c, targetSchema);
      const node = nodeNamed(target.node);
      if (node.models.get(target.model)?.status !== "loaded") {
        throw actionConflict(`model '${target.model}' is not loaded on '${node.name}'`, "model");
      }
      const entry = actions.start({ action: "unload", model: target.model, node: node.name, by });
      const body = { model_id: target.model, force: false };
      const reply = await postNeuronJson(
        options.fetch,
        node,
        "/models/unload",
        body,
        options.controlTimeoutMs,
      );
      if (!reply.ok) {
        const message = redactPaths(describeReply(reply.body) ?? reply.message);
        actions.finish(entry, { ok: false, message });
        throw neuronActionFailed(`unloading '${target.model}' on '${node.name}' failed: ${message}`);
      }
      actions.finish(entry, { ok: true });
      await options.refreshNode(node.name).catch(() => {});
      return c.json({ model: target.model, node: node.name, status: "unloaded" });
    })
    .post("/admin/models/pin", async (c) => pin(c, true))
    .post("/admin/models/unpin", async (c) => pin(c, false));

  async function pin(c: Parameters<typeof checkAdminRequest>[0], pinned: boolean) {
    const by = admin(c);
    const target = await readAdminBody(c, targetSchema);
    const node = nodeNamed(target.node);
    const profile = fleet.catalogueModel(target.model);
    if (profile === undefined) {
      throw unknownTarget(
        "model",
        target.model,
        ": only models in the catalogue (models.toml) can be pinned",
      );
    }
    const entry = actions.start({ action: pinned ? "pin" : "unpin", model: profile.id, node: node.name, by });
    const pinnedOn = pinModel(profile, node.name, pinned);
    actions.finish(entry, { ok: true });
    return c.json({ model: profile.id, node: node.name, pinned, pinned_on: pinnedOn });
  }
}

/** The catalogue's load spec for this node, or the bare id of a model the neuron itself configures. */
function loadSpecFor(fleet: FleetState, node: NodeState, model: string): LoadSpec {
  const profile = fleet.catalogueModel(model);
  if (profile !== undefined) return buildLoadSpec(profile, fleet.fleetNode(node));
  if (node.models.has(model)) return { model_id: model };
  throw unknownTarget(
    "model",
    model,
    ` on '${node.name}': it is neither in the catalogue nor configured there`,
  );
}

function describeReply(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === "string") return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : undefined;
}
