import { join } from "node:path";
import { defaultTinyModelPath, ensureTinyModel, type TinyModelOptions } from "@helexa/tiny-model";
import { type BenchGroup, type GroupContext, type Measurement, SkipGroup } from "../bench-types.js";
import { type NeuronPair, startNeuronPair } from "../internal/neuron-pair.js";
import { hasNeuron } from "../internal/start-neuron.js";
import { measureNeuronRound, type NeuronRoundSizes } from "./measure-neuron-round.js";

interface ModelCase {
  label: string;
  path: (root: string) => string;
  options: TinyModelOptions;
  sizes: NeuronRoundSizes;
}

/**
 * `tiny` (118K parameters, ~1,500 tok/s here) magnifies any per-token cost of the neuron; `small` (~25M
 * parameters, f16, ~150 tok/s here) is closer to a real model, where the engine's compute dominates.
 */
function modelCases(context: GroupContext): ModelCase[] {
  const tiny: ModelCase = {
    label: "tiny",
    path: () => defaultTinyModelPath(),
    options: {},
    sizes: context.quick
      ? { maxTokens: 32, singles: 2, concurrency: [1, 2, 4], admissions: 5 }
      : { maxTokens: 256, singles: 10, concurrency: [1, 2, 4], admissions: 40 },
  };
  const small: ModelCase = {
    label: "small",
    path: (root) => join(root, ".helexa", "models", "bench-small.gguf"),
    options: {
      embeddingLength: 512,
      blockCount: 8,
      feedForwardLength: 1024,
      headCount: 8,
      weightType: "f16",
    },
    sizes: { maxTokens: 64, singles: 4, concurrency: [1, 2, 4], admissions: 10 },
  };
  return context.quick ? [tiny] : [tiny, small];
}

/** The neuron vs node-llama-cpp called directly with the same model, context, sequences, threads and prompt. */
export const neuronGroup: BenchGroup = {
  name: "neuron",
  description:
    "neuron POST /v1/chat/completions vs node-llama-cpp called directly: tokens/s, concurrency, overhead, RSS",
  async setup(context) {
    if (!hasNeuron(context.root))
      throw new SkipGroup("the neuron is not built (apps/neuron/dist/cli.js missing)");
    const pairs: { label: string; pair: NeuronPair; sizes: NeuronRoundSizes }[] = [];
    const stopAll = async () => {
      for (const { pair } of pairs.reverse()) await pair.stop();
    };
    try {
      for (const model of modelCases(context)) {
        const file = await ensureTinyModel(model.path(context.root), model.options);
        const settings = { modelPath: file.path, contextSize: 1024, sequences: 4, threads: 1 };
        pairs.push({
          label: model.label,
          pair: await startNeuronPair(context, settings, model.sizes.maxTokens),
          sizes: model.sizes,
        });
        context.note(
          `${model.label}: generated model ${file.path}; CPU, threads 1, context 1024 × 4 sequences, greedy, ` +
            `max_tokens ${model.sizes.maxTokens}, non-streamed.`,
        );
      }
    } catch (error) {
      await stopAll();
      throw error;
    }
    context.note(
      "The direct engine runs in its own process and makes the neuron worker's node-llama-cpp calls.",
    );
    return {
      async measureRound() {
        const figures: Measurement[] = [];
        for (const { label, pair, sizes } of pairs)
          figures.push(...(await measureNeuronRound(pair, sizes, label)));
        return figures;
      },
      dispose: stopAll,
    };
  },
};
