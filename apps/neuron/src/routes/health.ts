import type { Health, LoadProgress, ModelLoad } from "@helexa/core";
import { Hono } from "hono";
import type { NeuronAppDeps } from "../app-deps.js";
import type { ModelEntry } from "../supervisor/model-entry.js";

/** `GET /health`: the signal cortex routes on; every number is read at the instant of the request. */
export function healthRoutes(deps: NeuronAppDeps): Hono {
  return new Hono().get("/health", (c) => {
    const now = deps.now?.() ?? Date.now();
    const entries = deps.registry.entries();
    const health: Health = {
      uptime_secs: Math.max(0, Math.floor((now - deps.startedAt) / 1000)),
      devices: deps.devices(),
      activation: { ...deps.activation.snapshot(), progress: loadProgress(entries) },
      models: entries.map(modelLoad),
      ...(deps.registry.draining ? { draining: true } : {}),
    };
    return c.json(health);
  });
}

function modelLoad(entry: ModelEntry): ModelLoad {
  const charsPerToken = entry.charsPerToken;
  const prefixCache = entry.backend?.prefixCache?.();
  return {
    id: entry.id,
    status: entry.status,
    in_flight: entry.admission.inFlight,
    queue_depth: entry.admission.queueDepth,
    max_in_flight: entry.admission.limits.maxInFlight,
    max_queue_depth: entry.admission.limits.maxQueueDepth,
    ...(charsPerToken === undefined ? {} : { chars_per_token: charsPerToken }),
    ...(prefixCache === undefined ? {} : { prefix_cache: prefixCache }),
  };
}

/** Progress of the first model being downloaded or loaded, or null. */
function loadProgress(entries: ModelEntry[]): LoadProgress | null {
  const loading = entries.find((entry) => entry.status !== "loaded");
  if (loading === undefined) return null;
  const progress = loading.progress ?? { phase: "loading" as const, fraction: 0 };
  return {
    model_id: loading.id,
    phase: progress.phase,
    fraction: Math.min(1, Math.max(0, progress.fraction)),
    ...(progress.downloadedBytes === undefined ? {} : { downloaded_bytes: progress.downloadedBytes }),
    ...(progress.totalBytes === undefined ? {} : { total_bytes: progress.totalBytes }),
  };
}
