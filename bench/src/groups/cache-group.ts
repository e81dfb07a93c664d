import { loadavg } from "node:os";
import { join } from "node:path";
import { ensureTinyModel, type TinyModelOptions } from "@helexa/tiny-model";
import { type BenchGroup, type Measurement, SkipGroup } from "../bench-types.js";
import { percentile } from "../internal/percentile.js";
import { meanNeuronTimings, readNeuronTimings } from "../internal/read-neuron-timings.js";
import {
  type ConversationWorkload,
  runConversations,
  runUnrelated,
  type WorkloadResult,
} from "../internal/run-conversations.js";
import {
  cacheModelId,
  type RunningProcess,
  startCacheCortex,
  startCacheNeuron,
} from "../internal/start-cache-fleet.js";
import { hasCortex } from "../internal/start-cortex.js";
import { hasNeuron } from "../internal/start-neuron.js";

type Strategy = "least_busy" | "cache_aware";

/**
 * A generated model whose prompt evaluation dominates time to first token, as a real model's does: 256 wide,
 * 4 blocks, f16, an 8,192-token context. On one thread of the reference CPU it evaluates a 2,300-token prompt
 * in about 0.43 s of CPU time and a 3,300-token one in about 0.7 s (the default tiny model: 0.1 s and 0.19 s), and
 * its KV state is about 4 KB a token. Six blocks would double that and not fit the group in ~12 minutes here.
 */
export const cacheModelOptions: TinyModelOptions = {
  contextLength: 8192,
  embeddingLength: 256,
  blockCount: 4,
  feedForwardLength: 512,
  headCount: 4,
  weightType: "f16",
};
const strategies: readonly Strategy[] = ["least_busy", "cache_aware"];

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : sum(values) / values.length);

/** Hit ratio, time to first token and throughput of one run, over turns 2 and later. */
function summarize(result: WorkloadResult) {
  const later = result.turns.filter((turn) => turn.turn > 1);
  const ttft = later.map((turn) => turn.ttftMs);
  return {
    hitRatio: sum(later.map((turn) => turn.cachedTokens)) / sum(later.map((turn) => turn.promptTokens)),
    ttftMean: mean(ttft),
    ttftP95: percentile(ttft, 95),
    outputPerSecond: sum(result.turns.map((turn) => turn.completionTokens)) / (result.wallMs / 1000),
    promptTokensMean: mean(later.map((turn) => turn.promptTokens)),
  };
}

/**
 * Cache-aware against least-busy routing in the same run (docs/decisions/0007-cache-aware-routing.md):
 * agent-like conversations that resend a growing history over 2 and 4 neurons with 2 sequences each,
 * then unrelated one-turn requests for throughput, on {@link cacheModelOptions}. Each run's time to first token
 * is split by the neurons' own histograms into waiting for a sequence and admission to first token.
 */
export const cacheGroup: BenchGroup = {
  name: "cache",
  // A round is minutes of prompt evaluation on 2 cores that other jobs share (about 8 at load 20).
  roundTimeoutMs: 30 * 60_000,
  description:
    "cache-aware vs least-busy routing: 8 conversations × 6 turns over a 2,000-token history, 2 and 4 neurons × 2 sequences",
  async setup(context) {
    if (!hasNeuron(context.root) || !hasCortex(context.root))
      throw new SkipGroup("cortex or the neuron is not built (apps/*/dist/cli.js missing)");
    const model = await ensureTinyModel(
      join(context.root, ".helexa", "models", "bench-prefill.gguf"),
      cacheModelOptions,
    );
    const workload: ConversationWorkload = context.quick
      ? { conversations: 4, turns: 3, historyChars: 1200, turnChars: 200, maxTokens: 8 }
      : { conversations: 8, turns: 6, historyChars: 2300, turnChars: 350, maxTokens: 16 };
    const unrelated = context.quick
      ? { requests: 8, concurrency: 4, promptChars: 750 }
      : { requests: 48, concurrency: 8, promptChars: 750 };
    const settings = {
      modelPath: model.path,
      contextSize: 8192,
      sequences: 2,
      threads: 1,
      hostMemoryMb: 512,
    };
    const started: RunningProcess[] = [];
    const stopAll = async () => {
      for (const running of started.reverse()) await running.process.stop(15_000);
    };
    const fleets = new Map<string, string>();
    const neuronUrls: string[] = [];
    try {
      for (let index = 0; index < 4; index++)
        started.push(await startCacheNeuron(context.root, context.scratch, index, settings));
      neuronUrls.push(...started.map((running) => running.baseUrl));
      for (const size of [2, 4]) {
        for (const strategy of strategies) {
          const cortex = await startCacheCortex(
            context.root,
            context.scratch,
            `${size}-${strategy}`,
            neuronUrls.slice(0, size),
            strategy,
          );
          started.push(cortex);
          fleets.set(`${size}-${strategy}`, cortex.baseUrl);
        }
      }
    } catch (error) {
      await stopAll();
      throw error;
    }
    context.note(
      `${workload.conversations} conversations × ${workload.turns} turns, each turn resending its history (${workload.historyChars} characters of its own, about one token each with the tiny models' vocabulary) plus ${workload.turnChars} characters; replies of ${workload.maxTokens} tokens, greedy, streamed. Hit ratio and time to first token over turns 2–${workload.turns}; output tokens/s over the whole run. Model: ${cacheModelOptions.embeddingLength} wide, ${cacheModelOptions.blockCount} blocks, ff ${cacheModelOptions.feedForwardLength}, ${cacheModelOptions.weightType}. Neurons: ${settings.threads} thread, ${settings.sequences} sequences of ${settings.contextSize} tokens, [prefix_cache] host_memory_mb = ${settings.hostMemoryMb}; cortex polls every 2 s. All processes share this machine's cores. Neuron queue wait (for a free sequence) and admission to first token (counting, state restore, prefill) are the neurons' own histograms over each run, turn 1 included. Then ${unrelated.requests} unrelated one-turn requests of ${unrelated.promptChars} characters, ${unrelated.concurrency} at a time, over 4 neurons. Load average: the machine's 1-minute figure at the start and end of each round.`,
    );
    return {
      async measureRound(round) {
        const measurements: Measurement[] = [
          { name: "load average (1 min) at round start", unit: "load", value: loadavg()[0]! },
        ];
        for (const size of [2, 4]) {
          // Alternate which strategy runs first, so neither always gets the cooler machine.
          const order = round % 2 === 0 ? strategies : [...strategies].reverse();
          const figures = new Map<Strategy, ReturnType<typeof summarize>>();
          const neurons = neuronUrls.slice(0, size);
          const split = new Map<Strategy, ReturnType<typeof meanNeuronTimings>>();
          for (const strategy of order) {
            const baseUrl = fleets.get(`${size}-${strategy}`) as string;
            context.log(`${size} neurons, ${strategy}`);
            const before = await readNeuronTimings(neurons, cacheModelId);
            figures.set(
              strategy,
              summarize(await runConversations(baseUrl, workload, `r${round}-${size}-${strategy}`)),
            );
            split.set(strategy, meanNeuronTimings(before, await readNeuronTimings(neurons, cacheModelId)));
          }
          for (const strategy of strategies) {
            const figure = figures.get(strategy)!;
            const label = `${size} neurons, ${strategy}`;
            measurements.push(
              {
                name: `cache hit ratio, turns 2+ (${label})`,
                unit: "ratio",
                value: figure.hitRatio,
                ...(strategy === "cache_aware"
                  ? { target: { comparison: ">=", value: 0.8, description: "issue 16: ≥ 0.8" } }
                  : {}),
              },
              { name: `TTFT mean, turns 2+ (${label})`, unit: "ms", value: figure.ttftMean },
              { name: `TTFT p95, turns 2+ (${label})`, unit: "ms", value: figure.ttftP95 },
              {
                name: `neuron queue wait mean, all turns (${label})`,
                unit: "ms",
                value: split.get(strategy)!.queueWaitMs,
              },
              {
                name: `neuron admission to first token mean, all turns (${label})`,
                unit: "ms",
                value: split.get(strategy)!.firstTokenMs,
              },
              { name: `output throughput (${label})`, unit: "tok/s", value: figure.outputPerSecond },
              {
                name: `prompt tokens per turn, turns 2+ (${label})`,
                unit: "tokens",
                value: figure.promptTokensMean,
              },
            );
          }
          const least = figures.get("least_busy")!;
          const aware = figures.get("cache_aware")!;
          measurements.push(
            {
              name: `TTFT mean cache_aware / least_busy, turns 2+ (${size} neurons)`,
              unit: "ratio",
              value: aware.ttftMean / least.ttftMean,
              target: { comparison: "<=", value: 0.5, description: "issue 16: at most half of least-busy's" },
            },
            {
              name: `output throughput cache_aware / least_busy (${size} neurons)`,
              unit: "ratio",
              value: aware.outputPerSecond / least.outputPerSecond,
            },
          );
        }
        // Uniform load of unrelated requests: nothing to match, so cache-aware must not cost throughput.
        const throughput = new Map<Strategy, number>();
        const order = round % 2 === 0 ? strategies : [...strategies].reverse();
        for (const strategy of order) {
          const baseUrl = fleets.get(`4-${strategy}`) as string;
          context.log(`unrelated load, 4 neurons, ${strategy}`);
          const result = await runUnrelated(
            baseUrl,
            unrelated.requests,
            unrelated.concurrency,
            unrelated.promptChars,
            32,
            `r${round}-${strategy}`,
          );
          const rate = summarize({ ...result, turns: result.turns }).outputPerSecond;
          throughput.set(strategy, rate);
          measurements.push({
            name: `unrelated load output throughput (4 neurons, ${strategy})`,
            unit: "tok/s",
            value: rate,
          });
        }
        measurements.push({
          name: "unrelated load throughput cache_aware / least_busy (4 neurons)",
          unit: "ratio",
          value: throughput.get("cache_aware")! / throughput.get("least_busy")!,
          target: { comparison: ">=", value: 0.9, description: "issue 16: not lower (within noise)" },
        });
        measurements.push({ name: "load average (1 min) at round end", unit: "load", value: loadavg()[0]! });
        return measurements;
      },
      dispose: stopAll,
    };
  },
};
