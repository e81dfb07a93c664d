import type { Measurement } from "../bench-types.js";
import type { LoadResult } from "../internal/measure-load.js";

/** connections → target name → result */
export type LoadTable = Map<number, Map<string, LoadResult>>;

const targetConnections = 64;

function ratioFigures(connections: number, row: Map<string, LoadResult>): Measurement[] {
  const cortex = row.get("cortex");
  if (cortex === undefined || connections !== targetConnections) return [];
  const figures: Measurement[] = [];
  const nginx = row.get("nginx");
  const portkey = row.get("portkey");
  if (nginx !== undefined) {
    figures.push(
      {
        name: `c=${connections}: cortex/nginx throughput`,
        unit: "ratio",
        value: cortex.requestsPerSecond / nginx.requestsPerSecond,
        target: { comparison: ">=", value: 0.7, description: "issue 5" },
      },
      {
        name: `c=${connections}: cortex/nginx p99`,
        unit: "ratio",
        value: cortex.p99Ms / nginx.p99Ms,
        target: { comparison: "<=", value: 2, description: "issue 5" },
      },
    );
  }
  const bare = row.get("bare-node");
  if (bare !== undefined)
    figures.push(
      {
        name: `c=${connections}: cortex/bare-node throughput (the Node floor)`,
        unit: "ratio",
        value: cortex.requestsPerSecond / bare.requestsPerSecond,
        target: { comparison: ">=", value: 0.8, description: "issue 13" },
      },
      {
        name: `c=${connections}: cortex/bare-node CPU per request (context)`,
        unit: "ratio",
        value: cortex.cpuMicrosPerRequest / bare.cpuMicrosPerRequest,
      },
    );
  if (portkey !== undefined)
    figures.push({
      name: `c=${connections}: cortex/portkey throughput`,
      unit: "ratio",
      value: cortex.requestsPerSecond / portkey.requestsPerSecond,
      target: { comparison: ">", value: 1, description: "issue 5" },
    });
  return figures;
}

/** Throughput and latency per connection level: direct's absolute figures, each gateway's added latency. */
export function gatewayLoadFigures(table: LoadTable): Measurement[] {
  const figures: Measurement[] = [];
  for (const [connections, row] of table) {
    const direct = row.get("direct")!;
    const prefix = `c=${connections}:`;
    figures.push(
      { name: `${prefix} direct req/s`, unit: "req/s", value: direct.requestsPerSecond },
      { name: `${prefix} direct p50`, unit: "ms", value: direct.p50Ms },
      { name: `${prefix} direct p99`, unit: "ms", value: direct.p99Ms },
    );
    for (const [name, result] of row) {
      if (name === "direct") continue;
      figures.push(
        { name: `${prefix} ${name} req/s`, unit: "req/s", value: result.requestsPerSecond },
        { name: `${prefix} ${name} added p50`, unit: "ms", value: result.p50Ms - direct.p50Ms },
        { name: `${prefix} ${name} added p99`, unit: "ms", value: result.p99Ms - direct.p99Ms },
      );
    }
    if (connections === targetConnections)
      for (const [name, result] of row)
        figures.push({
          name: `${prefix} ${name} CPU per request`,
          unit: "µs",
          value: result.cpuMicrosPerRequest,
        });
    figures.push(...ratioFigures(connections, row));
  }
  return figures;
}
