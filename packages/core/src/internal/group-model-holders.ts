import type { IndexedNode, ModelHolders } from "../routing/indexed-fleet.js";

interface MutableHolders {
  serving: number[];
  loading: number[];
  unloaded: number[];
  recovering: number[];
  reporting: number[];
}

/**
 * Model id → the positions of the nodes reporting it, by status group, each group in node-name order
 * (ties by position, so equal names keep snapshot order as a stable sort would). With `only`, just that
 * model's entry: what one decision on a plain snapshot needs.
 */
export function groupModelHolders(nodes: readonly IndexedNode[], only?: string): Map<string, ModelHolders> {
  const order = nodes.map((_, position) => position);
  order.sort((a, b) => {
    const aName = nodes[a]?.node.name ?? "";
    const bName = nodes[b]?.node.name ?? "";
    return aName < bName ? -1 : aName > bName ? 1 : a - b;
  });
  const holders = new Map<string, MutableHolders>();
  for (const position of order) {
    const models = nodes[position]?.node.models;
    if (models === undefined) continue;
    for (const entry of models) {
      if (only !== undefined && entry.id !== only) continue;
      let found = holders.get(entry.id);
      if (found === undefined) {
        found = { serving: [], loading: [], unloaded: [], recovering: [], reporting: [] };
        holders.set(entry.id, found);
      }
      // A node lists each model once in practice; a repeat must not list the node twice in a group.
      pushOnce(found.reporting, position);
      switch (entry.status) {
        case "loaded":
        case "reloading":
          pushOnce(found.serving, position);
          break;
        case "loading":
          pushOnce(found.loading, position);
          break;
        case "unloaded":
          pushOnce(found.unloaded, position);
          break;
        case "recovering":
        // A stalled worker is being replaced: held like a recovery, never routed to.
        case "stalled":
          pushOnce(found.recovering, position);
          break;
        case "poisoned":
          break;
      }
    }
  }
  return holders;
}

function pushOnce(positions: number[], position: number): void {
  if (positions[positions.length - 1] !== position) positions.push(position);
}
