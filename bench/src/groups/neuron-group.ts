import { defaultTinyModelPath, ensureTinyModel } from "@helexa/tiny-model";
import { type BenchGroup, type GroupContext, type Measurement, SkipGroup } from "../bench-types.js";
import type { EngineGeneration, EngineSettings } from "../internal/engine-protocol.js";
import { createKeepAliveClient } from "../internal/keep-alive-client.js";
import { neuronGenerate } from "../internal/neuron-generate.js";
import { percentile } from "../internal/percentile.js";
import { readRssBytes, readTreeRssBytes } from "../internal/read-rss.js";
import { startEngine } from "../internal/start-engine.js";
import { hasNeuron, startNeuron } from "../internal/start-neuron.js";
import { median } from "../summarize-rounds.js";
import {
  type ConcurrencyRun,
  concurrencyFigures,
  sameOutputFigure,
  tokensPerSecond,
} from "./neuron-figures.js";

const megabyte = 1e6;

const rate = (generation: EngineGeneration) => generation.completionTokens / (generation.elapsedMs / 1000);

function sizes(context: GroupContext) {
  return context.quick
    ? { maxTokens: 32, singles: 2, concurrency: [1, 2, 4], admissions: 5 }
    : { maxTokens: 256, singles: 10, concurrency: [1, 2, 4], admissions: 40 };
}

/** The neuron vs node-llama-cpp called directly with the same model, context, sequences, threads and prompt. */
export const neuronGroup: BenchGroup = {
  name: "neuron",
  description:
    "neuron POST /v1/chat/completions vs node-llama-cpp in-process: tokens/s, concurrency, overhead, RSS",
  async setup(context) {
    if (!hasNeuron(context.root))
      throw new SkipGroup("the neuron is not built (apps/neuron/dist/cli.js missing)");
    const size = sizes(context);
    const model = await ensureTinyModel(defaultTinyModelPath());
    const settings: EngineSettings = { modelPath: model.path, contextSize: 1024, sequences: 4, threads: 1 };
    context.note(
      `Tiny generated model (${model.path}), CPU, threads 1, context 1024 × 4 sequences, greedy, ` +
        `max_tokens ${size.maxTokens}, non-streamed; the engine runs in its own process with the neuron worker's calls.`,
    );
    const engine = await startEngine(context.root, settings);
    const neuron = await startNeuron(context.root, context.scratch, settings).catch(
      async (error: unknown) => {
        await engine.stop();
        throw error;
      },
    );
    const client = createKeepAliveClient(4);
    const generateOnNeuron = (maxTokens: number) => neuronGenerate(client, neuron.baseUrl, maxTokens);
    const neuronBatch = async (concurrency: number, maxTokens: number) => {
      const started = performance.now();
      const generations = await Promise.all(
        Array.from({ length: concurrency }, () => generateOnNeuron(maxTokens)),
      );
      return { elapsedMs: performance.now() - started, generations };
    };
    // Warm both sides: JIT, prompt prefix in the KV cache of every sequence.
    await neuronBatch(4, size.maxTokens);
    await engine.batch(4, size.maxTokens);

    return {
      async measureRound() {
        const figures: Measurement[] = [];
        const neuronSingles: EngineGeneration[] = [];
        const engineSingles: EngineGeneration[] = [];
        for (let index = 0; index < size.singles; index += 1) {
          engineSingles.push(...(await engine.batch(1, size.maxTokens)).generations);
          neuronSingles.push(await generateOnNeuron(size.maxTokens));
        }
        const elapsed = (generations: EngineGeneration[]) =>
          generations.reduce((sum, item) => sum + item.elapsedMs, 0);
        const neuronRate = tokensPerSecond(neuronSingles, elapsed(neuronSingles));
        const engineRate = tokensPerSecond(engineSingles, elapsed(engineSingles));
        figures.push(
          { name: "engine single-stream", unit: "tok/s", value: engineRate },
          { name: "neuron single-stream", unit: "tok/s", value: neuronRate },
          {
            // Median of back-to-back pairs: one noisy pair on a shared machine does not move it.
            name: "neuron / engine single-stream (median of pairs)",
            unit: "ratio",
            value: median(neuronSingles.map((item, index) => rate(item) / rate(engineSingles[index]!))),
            target: { comparison: ">=", value: 0.95, description: "issue 5" },
          },
          sameOutputFigure(neuronSingles, engineSingles),
        );

        const sequentialNeuron: EngineGeneration[] = [];
        const sequentialEngine: EngineGeneration[] = [];
        for (let index = 0; index < 4; index += 1) {
          sequentialNeuron.push(await generateOnNeuron(size.maxTokens));
          sequentialEngine.push(...(await engine.batch(1, size.maxTokens)).generations);
        }
        const runs: ConcurrencyRun[] = [];
        for (const concurrency of size.concurrency) {
          const onNeuron = await neuronBatch(concurrency, size.maxTokens);
          const onEngine = await engine.batch(concurrency, size.maxTokens);
          runs.push({
            concurrency,
            neuronTokensPerSecond: tokensPerSecond(onNeuron.generations, onNeuron.elapsedMs),
            engineTokensPerSecond: tokensPerSecond(onEngine.generations, onEngine.elapsedMs),
          });
        }
        figures.push(
          ...concurrencyFigures(runs, {
            neuronTokensPerSecond: tokensPerSecond(sequentialNeuron, elapsed(sequentialNeuron)),
            engineTokensPerSecond: tokensPerSecond(sequentialEngine, elapsed(sequentialEngine)),
          }),
        );

        const neuronShort: number[] = [];
        const engineShort: number[] = [];
        for (let index = 0; index < size.admissions; index += 1) {
          engineShort.push((await engine.batch(1, 1)).elapsedMs);
          neuronShort.push((await generateOnNeuron(1)).elapsedMs);
        }
        figures.push(
          { name: "engine request, max_tokens 1, p50", unit: "ms", value: percentile(engineShort, 50) },
          {
            name: "neuron added per request (HTTP + admission + worker IPC) p50",
            unit: "ms",
            value: percentile(neuronShort, 50) - percentile(engineShort, 50),
          },
        );

        const neuronRss = await readTreeRssBytes(neuron.process.pid);
        const engineRss = await readRssBytes(engine.pid);
        figures.push(
          { name: "engine process RSS", unit: "MB", value: engineRss / megabyte },
          { name: "neuron RSS (supervisor + worker)", unit: "MB", value: neuronRss / megabyte },
          { name: "neuron RSS beyond the engine's", unit: "MB", value: (neuronRss - engineRss) / megabyte },
        );
        return figures;
      },
      async dispose() {
        client.close();
        await neuron.process.stop(15_000);
        await engine.stop();
      },
    };
  },
};
