import type { Measurement } from "../bench-types.js";
import type { EngineGeneration } from "../internal/engine-protocol.js";

/** Aggregate tokens per second of some generations over a wall time. */
export function tokensPerSecond(generations: readonly EngineGeneration[], elapsedMs: number): number {
  const tokens = generations.reduce((sum, generation) => sum + generation.completionTokens, 0);
  return tokens / (elapsedMs / 1000);
}

/** The same-settings check: the neuron produced exactly the engine's tokens and text. */
export function sameOutputFigure(
  neuron: readonly EngineGeneration[],
  engine: readonly EngineGeneration[],
): Measurement {
  const reference = engine[0];
  const same =
    reference !== undefined &&
    [...neuron, ...engine].every(
      (generation) =>
        generation.completionTokens === reference.completionTokens && generation.text === reference.text,
    );
  return {
    name: "same tokens and text as the engine (greedy)",
    unit: "yes=1",
    value: same ? 1 : 0,
    target: { comparison: ">=", value: 1, description: "both sides run the same settings" },
  };
}

export interface ConcurrencyRun {
  concurrency: number;
  neuronTokensPerSecond: number;
  engineTokensPerSecond: number;
}

/** Aggregate tokens/s at each concurrency against the same requests one after another. */
export function concurrencyFigures(
  runs: readonly ConcurrencyRun[],
  sequential: { neuronTokensPerSecond: number; engineTokensPerSecond: number },
): Measurement[] {
  const figures: Measurement[] = [
    { name: "neuron sequential aggregate", unit: "tok/s", value: sequential.neuronTokensPerSecond },
  ];
  for (const run of runs) {
    figures.push({
      name: `neuron ${run.concurrency} concurrent aggregate`,
      unit: "tok/s",
      value: run.neuronTokensPerSecond,
    });
    if (run.concurrency === 1) continue;
    figures.push({
      name: `neuron ${run.concurrency} concurrent / sequential`,
      unit: "ratio",
      value: run.neuronTokensPerSecond / sequential.neuronTokensPerSecond,
      ...(run.concurrency === 4
        ? { target: { comparison: ">=", value: 1.3, description: "issue 5" } as const }
        : {}),
    });
    figures.push({
      name: `engine ${run.concurrency} concurrent / sequential (context)`,
      unit: "ratio",
      value: run.engineTokensPerSecond / sequential.engineTokensPerSecond,
    });
  }
  return figures;
}
