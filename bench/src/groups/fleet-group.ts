import { setTimeout as sleep } from "node:timers/promises";
import { type FleetNode, indexFleet, planRoute } from "@helexa/core";
import { type BenchGroup, type Measurement, SkipGroup } from "../bench-types.js";
import { startFleetSimulation } from "../internal/fleet-simulation.js";
import { readTreeCpuMs } from "../internal/read-cpu.js";
import { hasCortex } from "../internal/start-cortex.js";
import { buildSyntheticFleet } from "../internal/synthetic-fleet.js";
import { timePerCall } from "../internal/time-per-call.js";

const neuronCount = 200;
const gatewayCount = 3;
/** cortex's default `poll_interval_ms`; the fleet runs on it, since the figure is at the default. */
const defaultPollMs = 2000;

/** Cold-load planning at 1,000 nodes: the whole candidate list, as cortex asks (3), and per request. */
function coldPlanningFigures(budgetMs: number): Measurement[] {
  const fleet = buildSyntheticFleet(1000, 50);
  const indexed = indexFleet(fleet.snapshot);
  const cold = (index: number) => fleet.coldModels[index % fleet.coldModels.length]!;
  const decide = (options: { maxColdCandidates?: number }) => (index: number) => {
    const result = planRoute(indexed, cold(index), fleet.catalogue, {}, options);
    return result.ok ? result.plan.candidates.length : -1;
  };
  // Warm the JIT and the per-node placements first: a decision right after start-up is not the steady state.
  timePerCall(decide({}), budgetMs);
  timePerCall(decide({ maxColdCandidates: 3 }), budgetMs);
  const full = timePerCall(decide({}), budgetMs);
  const asCortex = timePerCall(decide({ maxColdCandidates: 3 }), budgetMs);
  // What cortex does per request: one node changed since the last decision (its load), re-indexed on
  // the last index, then a cold decision for at most max_attempts (3) nodes.
  const alternates = fleet.snapshot.nodes.map(
    (node): FleetNode => ({
      ...node,
      device_health: (node.device_health ?? []).map((reading) => ({ ...reading })),
    }),
  );
  const originals = fleet.snapshot.nodes;
  let nodes = [...originals];
  let current = indexFleet({ nodes });
  const perRequestLoop = (index: number) => {
    const position = index % nodes.length;
    nodes = [...nodes];
    nodes[position] = (nodes[position] === originals[position] ? alternates : originals)[position]!;
    current = indexFleet({ nodes }, current);
    const result = planRoute(current, cold(index), fleet.catalogue, {}, { maxColdCandidates: 3 });
    return result.ok ? result.plan.candidates.length : -1;
  };
  timePerCall(perRequestLoop, budgetMs);
  const perRequest = timePerCall(perRequestLoop, budgetMs);
  if (full.sink <= 0 || asCortex.sink <= 0 || perRequest.sink <= 0)
    throw new Error("planRoute found no cold-load candidate in the 1000-node fleet");
  const target = {
    comparison: "<=",
    value: 1000,
    description: "issue 15: under 1 ms at 1,000 nodes",
  } as const;
  return [
    {
      name: "planRoute cold load, 1000 nodes, whole candidate list",
      unit: "µs",
      value: full.microseconds,
      target,
    },
    {
      name: "planRoute cold load, 1000 nodes, 3 candidates (as cortex asks)",
      unit: "µs",
      value: asCortex.microseconds,
      target,
    },
    {
      name: "per request, 1000 nodes: re-index one changed node + cold plan (3)",
      unit: "µs",
      value: perRequest.microseconds,
      target,
    },
  ];
}

/**
 * The fleet of hundreds: 200 fake neurons on loopback (core's wire schemas, one port each, this process)
 * behind three cortex processes at the default poll interval. Measures each gateway's CPU while it only
 * polls, how a burst of held requests spreads over the neurons, and cold-load planning at 1,000 nodes.
 */
export const fleetGroup: BenchGroup = {
  name: "fleet",
  description: `${neuronCount} simulated neurons behind ${gatewayCount} cortex processes; planRoute cold loads at 1,000 nodes`,
  async setup(context) {
    if (!hasCortex(context.root))
      throw new SkipGroup("cortex is not built (apps/gateway/dist/cli.js missing)");
    const simulation = await startFleetSimulation({
      root: context.root,
      scratch: context.scratch,
      neurons: neuronCount,
      gateways: gatewayCount,
    });
    await simulation.waitUntilHealthy();
    const windowMs = context.quick ? 4_000 : 20_000;
    const burst = context.quick ? 50 : 200;
    context.note(
      `${neuronCount} fake neurons (one HTTP server each on loopback, in the bench process, replies built with core's wire ` +
        `schemas, model loaded with 4 slots) and ${gatewayCount} cortex processes with all of them as [[neurons]], ` +
        `poll_interval_ms at its default (${defaultPollMs} ms). Polling CPU = each cortex's user+system time over a ` +
        `${windowMs / 1000} s window with no traffic, as a share of one core (/proc/<pid>/stat); the worst gateway is reported. ` +
        `Spread = ${burst} chat requests to each gateway at once, held open by the neurons until all have arrived. ` +
        "Cold planning: the routing group's synthetic 1,000-node fleet (50 models, 10 catalogue-only).",
    );
    return {
      async measureRound() {
        // Planning first: it is synchronous, so the fake neurons do not answer polls meanwhile.
        const figures: Measurement[] = coldPlanningFigures(context.quick ? 50 : 500);
        // Let every gateway poll again (and see all neurons healthy) before measuring its polling CPU.
        await simulation.waitUntilHealthy();
        const pids = simulation.gateways.map((gateway) => gateway.process.pid);
        const before = await Promise.all(pids.map(readTreeCpuMs));
        const started = performance.now();
        await sleep(windowMs);
        const after = await Promise.all(pids.map(readTreeCpuMs));
        const wallMs = performance.now() - started;
        const shares = after.map((cpu, index) => ((cpu - (before[index] ?? 0)) / wallMs) * 100);
        figures.push({
          name: `cortex CPU polling ${neuronCount} neurons (worst of ${gatewayCount}, % of one core)`,
          unit: "%",
          value: Math.max(...shares),
          target: { comparison: "<=", value: 5, description: "issue 15: under 5 % of one core per gateway" },
        });
        const spread = await simulation.spread(burst);
        const failed = spread.statuses.filter((status) => status !== 200).length;
        if (failed > 0) throw new Error(`${failed} of the burst's requests failed`);
        const used = spread.perNeuron.filter((count) => count > 0).length;
        figures.push({
          name: `burst of ${burst * gatewayCount}: neurons used (of ${neuronCount})`,
          unit: "neurons",
          value: used,
        });
        figures.push({
          name: `burst of ${burst * gatewayCount}: most requests on one neuron`,
          unit: "requests",
          value: Math.max(...spread.perNeuron),
        });
        return figures;
      },
      dispose: () => simulation.close(),
    };
  },
};
