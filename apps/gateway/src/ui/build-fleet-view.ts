import type { ModelStatus } from "@helexa/core";
import type { FleetState } from "../fleet/fleet-state.js";
import type { NeuronInfo } from "./create-neuron-info-cache.js";

/** One GPU row: name from discovery, memory from the last `/health`. */
export interface GpuView {
  index: number;
  name: string;
  totalMb: number | null;
  usedMb: number;
  freeMb: number;
}

/** One model on one node. */
export interface ModelView {
  id: string;
  status: ModelStatus;
  /** 0..1 while the model downloads or loads, with the phase; null otherwise. */
  progress: { phase: string; fraction: number } | null;
  inFlight: number;
  queueDepth: number;
  maxInFlight: number | null;
  maxQueueDepth: number | null;
  contextSize: number | null;
  pinned: boolean;
  /** In the catalogue, so it can be pinned. */
  pinnable: boolean;
}

/** One neuron as the dashboard shows it. */
export interface NodeView {
  name: string;
  healthy: boolean;
  draining: boolean;
  /** Why it is unhealthy (the poller's last error). */
  reason: string | null;
  lastPoll: string | null;
  uptimeSecs: number | null;
  version: string | null;
  backend: string | null;
  gpus: GpuView[];
  models: ModelView[];
  /** Models an admin may load here: the catalogue's and those the neuron configures, not yet loaded. */
  loadable: string[];
}

/** The fleet as the dashboard renders it, from cortex's last polls plus loads cortex has in progress. */
export function buildFleetView(
  fleet: FleetState,
  loads: ReadonlyArray<{ model: string; node: string }>,
  info: ReadonlyMap<string, NeuronInfo>,
): NodeView[] {
  return fleet.nodes.map((node) => {
    const progress = node.activation?.progress ?? undefined;
    const models: ModelView[] = [];
    for (const model of node.models.values()) {
      const load = node.load.get(model.id);
      const loading = model.status === "loading" || model.status === "reloading";
      models.push({
        id: model.id,
        status: model.status,
        progress:
          loading && progress?.model_id.endsWith(model.id)
            ? { phase: progress.phase, fraction: progress.fraction }
            : loading
              ? { phase: "loading", fraction: 0 }
              : null,
        inFlight: (load?.in_flight ?? 0) + (node.sincePoll.get(model.id) ?? 0),
        queueDepth: load?.queue_depth ?? 0,
        maxInFlight: load?.max_in_flight ?? null,
        maxQueueDepth: load?.max_queue_depth ?? null,
        contextSize: model.limit?.context ?? null,
        pinned: fleet.catalogueModel(model.id)?.pinned_on.includes(node.name) ?? false,
        pinnable: fleet.catalogueModel(model.id) !== undefined,
      });
    }
    // A load cortex started that the neuron has not listed yet still shows, as loading.
    for (const load of loads) {
      if (load.node !== node.name || node.models.get(load.model)?.status === "loading") continue;
      if (node.models.get(load.model)?.status === "loaded") continue;
      const at = models.findIndex((model) => model.id === load.model);
      const row: ModelView = {
        id: load.model,
        status: "loading",
        progress: { phase: "loading", fraction: 0 },
        inFlight: 0,
        queueDepth: 0,
        maxInFlight: null,
        maxQueueDepth: null,
        contextSize: null,
        pinned: fleet.catalogueModel(load.model)?.pinned_on.includes(node.name) ?? false,
        pinnable: fleet.catalogueModel(load.model) !== undefined,
      };
      if (at === -1) models.push(row);
      else models[at] = row;
    }
    models.sort((a, b) => a.id.localeCompare(b.id));
    const names = new Map((node.discovery?.devices ?? []).map((device) => [device.index, device]));
    const loaded = new Set(models.filter((model) => model.status !== "unloaded").map((model) => model.id));
    const candidates = new Set([...fleet.catalogue.models.map((model) => model.id), ...node.models.keys()]);
    const about = info.get(node.name);
    return {
      name: node.name,
      healthy: node.healthy,
      draining: node.draining,
      reason: node.healthy ? null : (node.lastError ?? "not polled yet"),
      lastPoll: node.lastPoll === null ? null : new Date(node.lastPoll).toISOString(),
      uptimeSecs: about?.uptimeSecs ?? null,
      version: about?.version ?? null,
      backend: node.discovery?.gpu ?? null,
      gpus: node.devices.map((device) => ({
        index: device.index,
        name: names.get(device.index)?.name ?? `GPU ${device.index}`,
        totalMb: names.get(device.index)?.vram_total_mb ?? null,
        usedMb: device.vram_used_mb,
        freeMb: device.vram_free_mb,
      })),
      models,
      loadable: [...candidates].filter((id) => !loaded.has(id)).sort(),
    };
  });
}
