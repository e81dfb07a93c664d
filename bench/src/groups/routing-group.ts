import { type FleetNode, type IndexedFleet, indexFleet, planRoute } from "@helexa/core";
import type { BenchGroup, Measurement } from "../bench-types.js";
import { buildSyntheticFleet, type SyntheticFleet } from "../internal/synthetic-fleet.js";
import { timePerCall } from "../internal/time-per-call.js";

const modelCount = 50;

interface IndexedSyntheticFleet extends SyntheticFleet {
  indexed: IndexedFleet;
}

function withIndex(fleet: SyntheticFleet): IndexedSyntheticFleet {
  return { ...fleet, indexed: indexFleet(fleet.snapshot) };
}

function decide(fleet: IndexedSyntheticFleet, model: string): number {
  const result = planRoute(fleet.indexed, model, fleet.catalogue, {});
  return result.ok ? result.plan.candidates.length : -1;
}

/**
 * What cortex does per request: a new snapshot where one node changed (its load, after a dispatch),
 * re-indexed on the last index, then a decision. Nodes alternate between two versions with other loads.
 */
function createDispatchLoop(fleet: SyntheticFleet): (index: number) => number {
  const alternates = fleet.snapshot.nodes.map(
    (node): FleetNode => ({
      ...node,
      load: (node.load ?? []).map((load) => ({ ...load, in_flight: load.in_flight + 1 })),
    }),
  );
  const originals = fleet.snapshot.nodes;
  let nodes = [...originals];
  let indexed = indexFleet({ nodes });
  return (index) => {
    const position = index % nodes.length;
    nodes = [...nodes];
    nodes[position] = (nodes[position] === originals[position] ? alternates : originals)[position]!;
    indexed = indexFleet({ nodes }, indexed);
    const model = fleet.servedModels[index % fleet.servedModels.length]!;
    const result = planRoute(indexed, model, fleet.catalogue, {});
    return result.ok ? result.plan.candidates.length : -1;
  };
}

/**
 * `planRoute` cost per decision over synthetic fleets indexed once (`indexFleet`): a loaded model (the hot
 * path) and a cold load; also the cost of indexing a snapshot, and of cortex's per-request pattern.
 */
export const routingGroup: BenchGroup = {
  name: "routing",
  description: `planRoute time per decision, synthetic fleets × ${modelCount} models`,
  async setup(context) {
    const nodeCounts = context.quick ? [10, 100] : [10, 100, 1000];
    const budgetMs = context.quick ? 20 : 300;
    const fleets = new Map(
      nodeCounts.map((count) => [count, withIndex(buildSyntheticFleet(count, modelCount))]),
    );
    const sparseFleets = new Map(
      nodeCounts.map((count) => [count, withIndex(buildSyntheticFleet(count, modelCount, { sparse: true }))]),
    );
    context.note(
      "Each node reports all 50 models, a tenth loaded (random in-flight/queue loads), 2 GPUs; decisions run on " +
        "the fleet indexed once (indexFleet); warm = requests cycle through the 50 served models; " +
        "cold = catalogue-only models (placement + eviction); sparse = each node reports only the 5 models it " +
        "has loaded; plain snapshot = planRoute on the snapshot itself, no index; index = indexFleet of the whole snapshot (on a change of which models nodes report); per request = what cortex does " +
        "for each request: a snapshot with one node's load changed, re-indexed on the last index, then a warm decision.",
    );
    return {
      async measureRound() {
        const figures: Measurement[] = [];
        for (const [count, fleet] of fleets) {
          const warm = timePerCall(
            (index) => decide(fleet, fleet.servedModels[index % fleet.servedModels.length]!),
            budgetMs,
          );
          const cold = timePerCall(
            (index) => decide(fleet, fleet.coldModels[index % fleet.coldModels.length]!),
            budgetMs,
          );
          if (warm.sink <= 0) throw new Error(`planRoute found no replica in the ${count}-node fleet`);
          figures.push({
            name: `${count} nodes: route to a loaded model`,
            unit: "µs",
            value: warm.microseconds,
            ...(count === 100
              ? { target: { comparison: "<=", value: 20, description: "issue 5" } as const }
              : {}),
          });
          figures.push({ name: `${count} nodes: plan a cold load`, unit: "µs", value: cold.microseconds });
          const sparse = sparseFleets.get(count)!;
          const sparseWarm = timePerCall(
            (index) => decide(sparse, sparse.servedModels[index % sparse.servedModels.length]!),
            budgetMs,
          );
          figures.push({
            name: `${count} nodes, sparse: route to a loaded model`,
            unit: "µs",
            value: sparseWarm.microseconds,
          });
          const plain = timePerCall((index) => {
            const result = planRoute(
              fleet.snapshot,
              fleet.servedModels[index % fleet.servedModels.length]!,
              fleet.catalogue,
              {},
            );
            return result.ok ? result.plan.candidates.length : -1;
          }, budgetMs);
          figures.push({
            name: `${count} nodes, plain snapshot: route to a loaded model`,
            unit: "µs",
            value: plain.microseconds,
          });
          const index = timePerCall(() => indexFleet(fleet.snapshot).routableCount, budgetMs);
          figures.push({ name: `${count} nodes: index the snapshot`, unit: "µs", value: index.microseconds });
          const perRequest = timePerCall(createDispatchLoop(fleet), budgetMs);
          if (perRequest.sink <= 0) throw new Error(`no replica in the ${count}-node per-request loop`);
          figures.push({
            name: `${count} nodes: per request (re-index one changed node + route)`,
            unit: "µs",
            value: perRequest.microseconds,
          });
        }
        return figures;
      },
      dispose: async () => {},
    };
  },
};
