import {
  type CatalogueModel,
  isFeasibleOn,
  type ModelCost,
  type ModelLimit,
  type ModelStatus,
} from "@helexa/core";
import type { FleetState } from "../../fleet/fleet-state.js";

/** Where a model is, as `/v1/models` lists it. */
export interface ModelLocation {
  node: string;
  status: ModelStatus;
  vram_estimate_mb: number | null;
  in_flight?: number;
  queue_depth?: number;
}

/**
 * One `/v1/models` entry: OpenAI's model object and Anthropic's (`type`, `display_name`, `created_at`) in one,
 * so either SDK's `models.list()` reads it, plus where the model is and how busy.
 */
export interface CortexModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: "helexa";
  type: "model";
  display_name: string;
  /** `created` as RFC 3339, as Anthropic's API gives it. */
  created_at: string;
  loaded: boolean;
  feasible_on: string[];
  locations: ModelLocation[];
  capabilities: string[];
  limit?: ModelLimit;
  cost?: ModelCost;
  tool_call: boolean;
  reasoning: boolean;
  aliases?: string[];
  alias_of?: string;
}

/**
 * The catalogue joined with the fleet: one entry per catalogue model (feasible nodes, cost, static
 * capabilities), every model a healthy node reports (locations, runtime capabilities and flags, the
 * tightest advertised limit; the catalogue limit only when no neuron advertises one), loads in progress
 * as `loading`, and one entry per alias mirroring its target. Sorted by id. `created` (Unix seconds) is
 * when this cortex first listed the model (`FleetState.listedSince`), so it stays put from one request to the next.
 */
export function buildModelList(
  fleet: FleetState,
  nowSecs: number,
  loading: ReadonlyArray<{ model: string; node: string }>,
): CortexModelEntry[] {
  const entries = new Map<string, CortexModelEntry>();
  const entryFor = (id: string, profile?: CatalogueModel): CortexModelEntry => {
    let entry = entries.get(id);
    if (entry === undefined) {
      const created = fleet.listedSince(id, nowSecs);
      entry = {
        id,
        object: "model",
        created,
        owned_by: "helexa",
        type: "model",
        display_name: id,
        created_at: new Date(created * 1000).toISOString(),
        loaded: false,
        feasible_on: [],
        locations: [],
        capabilities: [...(profile?.capabilities ?? [])],
        ...(profile?.cost === undefined ? {} : { cost: profile.cost }),
        tool_call: false,
        reasoning: false,
      };
      entries.set(id, entry);
    }
    return entry;
  };
  const routable = fleet.nodes.filter((node) => node.healthy);
  const nodes = routable.filter((node) => !node.draining).map((node) => fleet.fleetNode(node));
  for (const profile of fleet.catalogue.models) {
    const entry = entryFor(profile.id, profile);
    entry.feasible_on = nodes.filter((node) => isFeasibleOn(profile, node)).map((node) => node.name);
  }
  for (const node of routable) {
    for (const info of node.models.values()) {
      const entry = entryFor(info.id);
      const load = node.load.get(info.id);
      entry.locations.push({
        node: node.name,
        status: info.status,
        vram_estimate_mb: info.vram_used_mb ?? null,
        in_flight: (load?.in_flight ?? 0) + (node.sincePoll.get(info.id) ?? 0),
        queue_depth: load?.queue_depth ?? 0,
      });
      if (info.status === "loaded") entry.loaded = true;
      for (const capability of info.capabilities) {
        if (!entry.capabilities.includes(capability)) entry.capabilities.push(capability);
      }
      entry.tool_call ||= info.tool_call;
      entry.reasoning ||= info.reasoning;
      if (
        info.limit !== undefined &&
        (entry.limit === undefined || info.limit.context < entry.limit.context)
      ) {
        entry.limit = info.limit;
      }
    }
    for (const id of pendingActivation(node.activation)) addLoading(entryFor(id), node.name);
  }
  for (const { model, node } of loading) addLoading(entryFor(model), node);
  for (const profile of fleet.catalogue.models) {
    const entry = entries.get(profile.id);
    if (entry !== undefined && entry.limit === undefined && profile.limit !== undefined)
      entry.limit = profile.limit;
  }
  for (const [alias, target] of Object.entries(fleet.catalogue.aliases)) {
    const entry = entries.get(target);
    if (entry === undefined) continue;
    entry.aliases = [...(entry.aliases ?? []), alias];
    entries.set(alias, { ...entry, id: alias, display_name: alias, alias_of: target, aliases: undefined });
  }
  return [...entries.values()]
    .map((entry) => (entry.aliases === undefined ? withoutUndefined(entry) : entry))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function pendingActivation(activation: { pending: string[]; in_progress: string | null } | null): string[] {
  if (activation === null) return [];
  return activation.in_progress === null
    ? activation.pending
    : [activation.in_progress, ...activation.pending];
}

function addLoading(entry: CortexModelEntry, node: string): void {
  if (entry.locations.some((location) => location.node === node)) return;
  entry.locations.push({ node, status: "loading", vram_estimate_mb: null });
}

function withoutUndefined(entry: CortexModelEntry): CortexModelEntry {
  const { aliases, ...rest } = entry;
  return aliases === undefined ? rest : entry;
}
