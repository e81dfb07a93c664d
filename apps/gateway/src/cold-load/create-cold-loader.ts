import type { LoadSpec } from "@helexa/core";
import type { FleetState } from "../fleet/fleet-state.js";
import { describeFetchError, type FetchFunction, postNeuronJson } from "../fleet/neuron-client.js";
import type { NodeState } from "../fleet/node-state.js";
import type { Logger } from "../internal/logger.js";
import { redactPaths } from "../internal/redact-paths.js";
import type { CortexMetrics } from "../metrics/create-cortex-metrics.js";
import { findLoadElsewhere, reportsLoad } from "./find-load-elsewhere.js";

/** What a cold load ended with. */
export type ColdLoadResult = { ok: true; node: string } | { ok: false; node: string; message: string };

/** A model load cortex asks for: where, with what spec, and what to evict there first. */
export interface ColdLoadRequest {
  model: string;
  node: string;
  loadSpec: LoadSpec;
  evict: readonly string[];
}

export interface ColdLoaderOptions {
  fleet: FleetState;
  fetch: FetchFunction;
  logger: Logger;
  metrics: CortexMetrics;
  /** Bound on one `POST /models/load`. */
  loadTimeoutMs: number;
  /** Bound on one `POST /models/unload` and on the follow-up poll. */
  controlTimeoutMs: number;
  /** Log a "consider restarting" warning after this many evictions on a node (0 = never). */
  defragAfterCycles: number;
  /** Refreshes one node's state right after a load, so its limits are known before the next round. */
  refreshNode: (name: string) => Promise<void>;
  /**
   * Polls every node now (the poller's `pollOnce`). Called before starting a load, so a load another
   * gateway started since the last round is seen and joined instead of duplicated. Absent: no refresh.
   */
  refreshFleet?: () => Promise<void>;
}

/** Single-flight model loads with eviction first. */
export interface ColdLoader {
  /** Loads a model; a second call for a model already loading joins that load instead of starting one. */
  load(request: ColdLoadRequest): Promise<ColdLoadResult>;
  /** Loads in progress, for `/v1/models` (`status: "loading"`). */
  inProgress(): Array<{ model: string; node: string }>;
}

export function createColdLoader(options: ColdLoaderOptions): ColdLoader {
  const { fleet, logger, metrics } = options;
  const loads = new Map<string, { node: string; promise: Promise<ColdLoadResult> }>();

  const run = async (request: ColdLoadRequest): Promise<ColdLoadResult> => {
    let node = fleet.node(request.node);
    if (node === undefined) return { ok: false, node: request.node, message: "unknown node" };
    const ids =
      request.loadSpec.model_id === request.model
        ? [request.model]
        : [request.model, request.loadSpec.model_id];
    if (!reportsLoad(node, ids)) {
      // Another gateway may have started this model somewhere since our last poll: look again, and join
      // that load rather than load a second copy on the node our older view picked.
      await options.refreshFleet?.().catch(() => {});
      const elsewhere = findLoadElsewhere(fleet, ids, node.name);
      node = fleet.node(request.node) ?? node;
      if (elsewhere !== undefined && !reportsLoad(node, ids))
        return join(request, elsewhere.node, elsewhere.modelId);
    }
    const started = performance.now();
    for (const victim of request.evict) {
      const evicted = await evict(node, victim);
      if (!evicted.ok) return { ok: false, node: node.name, message: evicted.message };
    }
    logger.info({ event: "cold_load_started", model: request.model, node: node.name }, "loading model");
    const reply = await postNeuronJson(
      options.fetch,
      node,
      "/models/load",
      request.loadSpec,
      options.loadTimeoutMs,
    );
    const alreadyLoaded = !reply.ok && JSON.stringify(reply.body ?? "").includes("already loaded");
    const seconds = (performance.now() - started) / 1000;
    if (!reply.ok && !alreadyLoaded) {
      metrics.coldLoadDuration.observe({ model: request.model, node: node.name, outcome: "error" }, seconds);
      const detail = describeReply(reply.body) ?? reply.message;
      logger.warn(
        { event: "cold_load_failed", model: request.model, node: node.name, reason: detail },
        "model load failed",
      );
      // The log keeps the neuron's whole reason; the client is told it without host paths.
      return { ok: false, node: node.name, message: redactPaths(detail) };
    }
    metrics.coldLoadDuration.observe({ model: request.model, node: node.name, outcome: "ok" }, seconds);
    logger.info({ event: "cold_load_done", model: request.model, node: node.name, seconds }, "model loaded");
    fleet.markLoaded(node, request.model);
    await options.refreshNode(node.name).catch(() => {});
    return { ok: true, node: node.name };
  };

  /** Waits for (or confirms) a load another gateway started: the neuron answers when it serves. */
  const join = async (
    request: ColdLoadRequest,
    node: NodeState,
    modelId: string,
  ): Promise<ColdLoadResult> => {
    logger.info(
      { event: "cold_load_joined", model: request.model, node: node.name, instead_of: request.node },
      "joining a load of this model already under way on another node",
    );
    const entry = loads.get(request.model);
    if (entry !== undefined) entry.node = node.name;
    const reply = await postNeuronJson(
      options.fetch,
      node,
      "/models/load",
      { model_id: modelId },
      options.loadTimeoutMs,
    );
    if (!reply.ok) {
      const detail = describeReply(reply.body) ?? reply.message;
      return { ok: false, node: node.name, message: redactPaths(detail) };
    }
    fleet.markLoaded(node, request.model);
    await options.refreshNode(node.name).catch(() => {});
    return { ok: true, node: node.name };
  };

  const evict = async (
    node: NodeState,
    model: string,
  ): Promise<{ ok: true } | { ok: false; message: string }> => {
    const busy = (node.active.get(model) ?? 0) + (node.load.get(model)?.in_flight ?? 0);
    if (busy > 0) return { ok: false, message: `cannot evict '${model}': requests in flight` };
    const reply = await postNeuronJson(
      options.fetch,
      node,
      "/models/unload",
      { model_id: model, force: false },
      options.controlTimeoutMs,
    );
    if (!reply.ok)
      return {
        ok: false,
        message: `evicting '${model}' failed: ${redactPaths(describeReply(reply.body) ?? reply.message)}`,
      };
    fleet.markEvicted(node, model);
    metrics.evictions.inc({ model, node: node.name });
    logger.info({ event: "evicted", model, node: node.name, evictions: node.evictions }, "model evicted");
    if (options.defragAfterCycles > 0 && node.evictions >= options.defragAfterCycles) {
      logger.warn(
        { event: "defrag_threshold", node: node.name, evictions: node.evictions },
        "VRAM fragmentation threshold reached — consider restarting the neuron",
      );
    }
    return { ok: true };
  };

  return {
    load(request) {
      const existing = loads.get(request.model);
      if (existing !== undefined) return existing.promise;
      const promise = run(request)
        .catch(
          (error: unknown): ColdLoadResult => ({
            ok: false,
            node: request.node,
            message: describeFetchError(error),
          }),
        )
        .finally(() => loads.delete(request.model));
      loads.set(request.model, { node: request.node, promise });
      return promise;
    },
    inProgress() {
      return [...loads].map(([model, load]) => ({ model, node: load.node }));
    },
  };
}

function describeReply(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === "string") return error;
  if (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string"
  ) {
    return (error as { message: string }).message;
  }
  return undefined;
}
