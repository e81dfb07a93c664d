import { buildInfoSchema, healthSchema } from "@helexa/core";
import { type FetchFunction, getNeuronJson } from "../fleet/neuron-client.js";
import type { NodeState } from "../fleet/node-state.js";

/** What the dashboard shows about a neuron beyond cortex's poll: its uptime and version. */
export interface NeuronInfo {
  uptimeSecs: number | null;
  version: string | null;
}

/** How long an answer is reused: the dashboard refreshes every 2 s, neurons are asked at most every 5 s. */
const FRESH_MS = 5000;
const TIMEOUT_MS = 2000;

/**
 * Neuron uptime (`/health`) and version (`/version`), asked only while someone watches the dashboard, at
 * most every 5 s per neuron, with the neuron's own token. A neuron that does not answer keeps its last
 * known values.
 */
export function createNeuronInfoCache(fetch: FetchFunction, now: () => number) {
  const cache = new Map<string, { at: number; uptimeSecs: number | null; version: string | null }>();

  const refresh = async (node: NodeState) => {
    const [health, version] = await Promise.all([
      getNeuronJson(fetch, node, "/health", healthSchema, TIMEOUT_MS),
      getNeuronJson(fetch, node, "/version", buildInfoSchema, TIMEOUT_MS),
    ]);
    const before = cache.get(node.name);
    cache.set(node.name, {
      at: now(),
      uptimeSecs: health.ok ? health.value.uptime_secs : (before?.uptimeSecs ?? null),
      version: version.ok ? version.value.package_version : (before?.version ?? null),
    });
  };

  return {
    /** Refreshes every stale entry (in parallel), then answers from the cache. */
    async read(nodes: readonly NodeState[]): Promise<Map<string, NeuronInfo>> {
      const stale = nodes.filter((node) => (cache.get(node.name)?.at ?? -Infinity) <= now() - FRESH_MS);
      await Promise.all(stale.map(refresh));
      const info = new Map<string, NeuronInfo>();
      for (const node of nodes) {
        const entry = cache.get(node.name);
        const uptime =
          entry?.uptimeSecs === null || entry === undefined
            ? null
            : entry.uptimeSecs + Math.max(0, Math.floor((now() - entry.at) / 1000));
        info.set(node.name, { uptimeSecs: uptime, version: entry?.version ?? null });
      }
      return info;
    },
  };
}
