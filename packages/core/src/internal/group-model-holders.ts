import type { IndexedNode, ModelHolders } from "../routing/indexed-fleet.js";
import type { ModelStatus } from "../wire/models.js";

type MutableHolders = { -readonly [K in keyof ModelHolders]: number[] };
type Group = Exclude<keyof ModelHolders, "reporting">;

const GROUP_OF: Readonly<Record<ModelStatus, Group | null>> = {
  loaded: "serving",
  reloading: "serving",
  loading: "loading",
  unloaded: "unloaded",
  recovering: "recovering",
  poisoned: null,
};

/**
 * Model id → the positions of the nodes reporting it, by status group, each group in node-name order
 * (ties by position, so equal names keep snapshot order as a stable sort would).
 */
export function groupModelHolders(nodes: readonly IndexedNode[]): Map<string, ModelHolders> {
  const order = nodes.map((_, position) => position);
  order.sort((a, b) => {
    const aName = nodes[a]?.node.name ?? "";
    const bName = nodes[b]?.node.name ?? "";
    return aName < bName ? -1 : aName > bName ? 1 : a - b;
  });
  const holders = new Map<string, MutableHolders>();
  for (const position of order) {
    for (const entry of nodes[position]?.node.models ?? []) {
      let found = holders.get(entry.id);
      if (found === undefined) {
        found = { serving: [], loading: [], unloaded: [], recovering: [], reporting: [] };
        holders.set(entry.id, found);
      }
      // A node lists each model once in practice; a repeat must not list the node twice in a group.
      pushOnce(found.reporting, position);
      const group = GROUP_OF[entry.status];
      if (group !== null) pushOnce(found[group], position);
    }
  }
  return holders;
}

function pushOnce(positions: number[], position: number): void {
  if (positions[positions.length - 1] !== position) positions.push(position);
}
