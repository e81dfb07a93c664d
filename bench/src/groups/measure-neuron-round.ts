import type { Measurement } from "../bench-types.js";
import type { EngineGeneration } from "../internal/engine-protocol.js";
import type { NeuronPair } from "../internal/neuron-pair.js";
import { percentile } from "../internal/percentile.js";
import { readRssBytes, readTreeRssBytes } from "../internal/read-rss.js";
import { median } from "../summarize-rounds.js";
import {
  type ConcurrencyRun,
  concurrencyFigures,
  sameOutputFigure,
  tokensPerSecond,
} from "./neuron-figures.js";

export interface NeuronRoundSizes {
  maxTokens: number;
  /** Back-to-back (engine, neuron) pairs for the single-stream ratio. */
  singles: number;
  concurrency: number[];
  /** `max_tokens: 1` requests per side for the per-request overhead. */
  admissions: number;
}

const megabyte = 1e6;
const rate = (generation: EngineGeneration) => generation.completionTokens / (generation.elapsedMs / 1000);
const totalMs = (generations: readonly EngineGeneration[]) =>
  generations.reduce((sum, generation) => sum + generation.elapsedMs, 0);

async function singleStream(pair: NeuronPair, size: NeuronRoundSizes): Promise<Measurement[]> {
  const neuron: EngineGeneration[] = [];
  const engine: EngineGeneration[] = [];
  // Back-to-back pairs, the order alternating so neither side always runs second.
  for (let index = 0; index < size.singles; index += 1) {
    const runEngine = async () => engine.push(...(await pair.engine.batch(1, size.maxTokens)).generations);
    const runNeuron = async () => neuron.push(await pair.neuronGenerate(size.maxTokens));
    if (index % 2 === 0) await runEngine().then(runNeuron);
    else await runNeuron().then(runEngine);
  }
  return [
    { name: "engine single-stream", unit: "tok/s", value: tokensPerSecond(engine, totalMs(engine)) },
    { name: "neuron single-stream", unit: "tok/s", value: tokensPerSecond(neuron, totalMs(neuron)) },
    {
      // Median of back-to-back pairs: one noisy pair on a shared machine does not move it.
      name: "neuron / engine single-stream (median of pairs)",
      unit: "ratio",
      value: median(neuron.map((item, index) => rate(item) / rate(engine[index]!))),
      target: { comparison: ">=", value: 0.95, description: "issue 5" },
    },
    sameOutputFigure(neuron, engine),
  ];
}

async function concurrency(pair: NeuronPair, size: NeuronRoundSizes): Promise<Measurement[]> {
  const neuron: EngineGeneration[] = [];
  const engine: EngineGeneration[] = [];
  for (let index = 0; index < 4; index += 1) {
    neuron.push(await pair.neuronGenerate(size.maxTokens));
    engine.push(...(await pair.engine.batch(1, size.maxTokens)).generations);
  }
  const runs: ConcurrencyRun[] = [];
  for (const count of size.concurrency) {
    const onNeuron = await pair.neuronBatch(count, size.maxTokens);
    const onEngine = await pair.engine.batch(count, size.maxTokens);
    runs.push({
      concurrency: count,
      neuronTokensPerSecond: tokensPerSecond(onNeuron.generations, onNeuron.elapsedMs),
      engineTokensPerSecond: tokensPerSecond(onEngine.generations, onEngine.elapsedMs),
    });
  }
  return concurrencyFigures(runs, {
    neuronTokensPerSecond: tokensPerSecond(neuron, totalMs(neuron)),
    engineTokensPerSecond: tokensPerSecond(engine, totalMs(engine)),
  });
}

async function perRequest(pair: NeuronPair, size: NeuronRoundSizes): Promise<Measurement[]> {
  const neuron: number[] = [];
  const engine: number[] = [];
  for (let index = 0; index < size.admissions; index += 1) {
    const runEngine = async () => engine.push((await pair.engine.batch(1, 1)).elapsedMs);
    const runNeuron = async () => neuron.push((await pair.neuronGenerate(1)).elapsedMs);
    if (index % 2 === 0) await runEngine().then(runNeuron);
    else await runNeuron().then(runEngine);
  }
  return [
    { name: "engine request, max_tokens 1, p50", unit: "ms", value: percentile(engine, 50) },
    {
      name: "neuron added per request (HTTP + admission + worker IPC) p50",
      unit: "ms",
      value: percentile(neuron, 50) - percentile(engine, 50),
    },
  ];
}

async function memory(pair: NeuronPair): Promise<Measurement[]> {
  const neuron = await readTreeRssBytes(pair.neuronPid);
  const engine = await readRssBytes(pair.engine.pid);
  return [
    { name: "engine process RSS", unit: "MB", value: engine / megabyte },
    { name: "neuron RSS (supervisor + worker)", unit: "MB", value: neuron / megabyte },
    { name: "neuron RSS beyond the engine's", unit: "MB", value: (neuron - engine) / megabyte },
  ];
}

/** One round of the neuron-vs-engine comparison for one model; figure names get `prefix`. */
export async function measureNeuronRound(
  pair: NeuronPair,
  size: NeuronRoundSizes,
  prefix: string,
): Promise<Measurement[]> {
  const figures = [
    ...(await singleStream(pair, size)),
    ...(await concurrency(pair, size)),
    ...(await perRequest(pair, size)),
    ...(await memory(pair)),
  ];
  return figures.map((figure) => ({ ...figure, name: `${prefix}: ${figure.name}` }));
}
