import type { BenchGroup, GroupContext, Measurement } from "../bench-types.js";
import { measureDispatch } from "../internal/measure-dispatch.js";
import { measureLoad } from "../internal/measure-load.js";
import { measureSequential, type SequentialResult } from "../internal/measure-sequential.js";
import { percentile } from "../internal/percentile.js";
import type { ProxyTarget } from "../internal/proxy-target.js";
import { startGatewayTargets, stopTargets } from "../internal/start-gateway-targets.js";
import { gatewayLoadFigures, type LoadTable } from "./gateway-load-figures.js";

interface GatewaySettings {
  sequentialRequests: number;
  connectionLevels: number[];
  loadSeconds: number;
}

function settings(context: GroupContext): GatewaySettings {
  return context.quick
    ? { sequentialRequests: 200, connectionLevels: [1, 16], loadSeconds: 1 }
    : { sequentialRequests: 3000, connectionLevels: [1, 16, 64, 256], loadSeconds: 3 };
}

function sequentialFigures({ latencies, serverTimings }: SequentialResult): Measurement[] {
  const direct = latencies.get("direct")!;
  const directP50 = percentile(direct, 50);
  const directP99 = percentile(direct, 99);
  const figures: Measurement[] = [
    { name: "1 conn sequential: direct p50", unit: "ms", value: directP50 },
    { name: "1 conn sequential: direct p99", unit: "ms", value: directP99 },
  ];
  for (const [name, samples] of latencies) {
    if (name === "direct") continue;
    const isCortex = name === "cortex";
    figures.push(
      {
        name: `1 conn sequential: ${name} added p50`,
        unit: "ms",
        value: percentile(samples, 50) - directP50,
        ...(isCortex ? { target: { comparison: "<=", value: 0.4, description: "issue 5" } as const } : {}),
      },
      {
        name: `1 conn sequential: ${name} added p99`,
        unit: "ms",
        value: percentile(samples, 99) - directP99,
        ...(isCortex ? { target: { comparison: "<=", value: 2, description: "issue 5" } as const } : {}),
      },
    );
    const reported = serverTimings.get(name) ?? [];
    if (reported.length > 0)
      figures.push({
        name: `1 conn sequential: ${name} own Server-Timing p50`,
        unit: "ms",
        value: percentile(reported, 50),
      });
  }
  return figures;
}

/**
 * Steady traffic before the first round, as a gateway in service has: cortex's code takes thousands of
 * requests to be fully compiled (its added p99 at one connection fell from 3.3 to 0.6 ms over the first
 * 15,000 sequential requests while the bare proxy's stayed under 1 ms; docs/decisions/0009-one-request-path.md).
 */
async function warmUp(targets: readonly ProxyTarget[], quick: boolean): Promise<void> {
  await measureSequential(targets, { requests: quick ? 50 : 5000, blocks: 1 });
  for (const target of targets) await measureLoad(target, 16, quick ? 0.3 : 2);
}

/** Non-streaming gateway overhead: sequential added latency, then throughput and latency under load. */
export const gatewayGroup: BenchGroup = {
  name: "gateway",
  description:
    "non-streaming chat completions: a stub upstream directly vs through cortex, a bare Node proxy, nginx and Portkey",
  async setup(context) {
    const options = settings(context);
    const targets = await startGatewayTargets(context, { chunks: 1, gapMs: 0 });
    try {
      await warmUp(targets, context.quick);
    } catch (error) {
      await stopTargets(targets);
      throw error;
    }
    return {
      async measureRound(round) {
        const sequential = await measureSequential(targets, {
          requests: options.sequentialRequests,
          blocks: 10,
          leadIn: 20,
        });
        const table: LoadTable = new Map();
        for (const connections of options.connectionLevels) {
          const row = new Map();
          // Rotate who goes first each round so no target always runs right after the heaviest one.
          const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
          for (const target of order) {
            globalThis.gc?.();
            row.set(target.name, await measureLoad(target, connections, options.loadSeconds));
          }
          table.set(connections, row);
        }
        const direct = targets.find((target) => target.name === "direct")!;
        const ownMicros = await measureDispatch(direct.baseUrl, context.quick ? 200 : 1000);
        return [
          ...sequentialFigures(sequential),
          {
            name: "cortex in-process: dispatch + reply per request, no sockets (hot)",
            unit: "µs",
            value: ownMicros,
          },
          ...gatewayLoadFigures(table),
        ];
      },
      dispose: () => stopTargets(targets),
    };
  },
};
