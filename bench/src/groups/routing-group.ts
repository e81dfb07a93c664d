import { planRoute } from "@helexa/core";
import type { BenchGroup, Measurement } from "../bench-types.js";
import { buildSyntheticFleet, type SyntheticFleet } from "../internal/synthetic-fleet.js";
import { timePerCall } from "../internal/time-per-call.js";

const modelCount = 50;

function decide(fleet: SyntheticFleet, model: string): number {
  const result = planRoute(fleet.snapshot, model, fleet.catalogue, {});
  return result.ok ? result.plan.candidates.length : -1;
}

/** `planRoute` cost per decision over synthetic fleets: a loaded model (the hot path) and a cold load. */
export const routingGroup: BenchGroup = {
  name: "routing",
  description: `planRoute time per decision, synthetic fleets × ${modelCount} models`,
  async setup(context) {
    const nodeCounts = context.quick ? [10, 100] : [10, 100, 1000];
    const budgetMs = context.quick ? 20 : 300;
    const fleets = new Map(nodeCounts.map((count) => [count, buildSyntheticFleet(count, modelCount)]));
    const sparseFleets = new Map(
      nodeCounts.map((count) => [count, buildSyntheticFleet(count, modelCount, { sparse: true })]),
    );
    context.note(
      "Each node reports all 50 models, a tenth loaded (random in-flight/queue loads), 2 GPUs; " +
        "warm = requests cycle through the 50 served models; cold = catalogue-only models (placement + eviction); " +
        "sparse = each node reports only the 5 models it has loaded.",
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
        }
        return figures;
      },
      dispose: async () => {},
    };
  },
};
