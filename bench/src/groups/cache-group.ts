import { loadavg } from "node:os";
import { join } from "node:path";
import { ensureTinyModel, type TinyModelOptions } from "@helexa/tiny-model";
import { type BenchGroup, type Measurement, SkipGroup } from "../bench-types.js";
import { percentile } from "../internal/percentile.js";
import { meanNeuronTimings, readNeuronTimings } from "../internal/read-neuron-timings.js";
import { rotateOrder } from "../internal/rotate-order.js";
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
 * One column of the comparison: a routing strategy over a set of neurons. `least_busy` and `cache_aware` run
 * over neurons that keep evicted sequences' states in host memory (`[prefix_cache] host_memory_mb = 512`), so
 * least-busy is a partial cache too; `least_busy_no_host_memory` runs least-busy over a second set of neurons
 * with `host_memory_mb = 0` (plain llama.cpp sequences: a turn finds its prefix only on the replica whose
 * sequence still holds it), the baseline that keeps about 1/replicas of its prefixes.
 */
type Arm = "least_busy" | "cache_aware" | "least_busy_no_host_memory";
type NeuronSet = "host_memory" | "no_host_memory";
/** Each arm's routing strategy and the set of neurons it routes over. */
const armSettings: Record<Arm, { strategy: Strategy; neurons: NeuronSet }> = {
  least_busy: { strategy: "least_busy", neurons: "host_memory" },
  cache_aware: { strategy: "cache_aware", neurons: "host_memory" },
  least_busy_no_host_memory: { strategy: "least_busy", neurons: "no_host_memory" },
};
const arms = Object.keys(armSettings) as Arm[];
const hostMemoryMb: Record<NeuronSet, number> = { host_memory: 512, no_host_memory: 0 };

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

/** One arm's figures for one fleet size. */
function armMeasurements(
  label: string,
  arm: Arm,
  figure: ReturnType<typeof summarize>,
  split: ReturnType<typeof meanNeuronTimings>,
): Measurement[] {
  return [
    {
      name: `cache hit ratio, turns 2+ (${label})`,
      unit: "ratio",
      value: figure.hitRatio,
      ...(arm === "cache_aware"
        ? { target: { comparison: ">=", value: 0.8, description: "issue 16: ≥ 0.8" } }
        : {}),
    },
    { name: `TTFT mean, turns 2+ (${label})`, unit: "ms", value: figure.ttftMean },
    { name: `TTFT p95, turns 2+ (${label})`, unit: "ms", value: figure.ttftP95 },
    { name: `neuron queue wait mean, all turns (${label})`, unit: "ms", value: split.queueWaitMs },
    {
      name: `neuron admission to first token mean, all turns (${label})`,
      unit: "ms",
      value: split.firstTokenMs,
    },
    { name: `output throughput (${label})`, unit: "tok/s", value: figure.outputPerSecond },
    { name: `prompt tokens per turn, turns 2+ (${label})`, unit: "tokens", value: figure.promptTokensMean },
  ];
}

/**
 * Cache-aware against each least-busy baseline at one fleet size. The TTFT target (at most half of
 * least-busy's) is judged against both, each figure naming its baseline: least-busy over the same neurons
 * (with host memory), and least-busy over neurons without host memory.
 */
function ratioMeasurements(
  size: number,
  figures: ReadonlyMap<Arm, ReturnType<typeof summarize>>,
): Measurement[] {
  const aware = figures.get("cache_aware")!;
  const measurements: Measurement[] = [];
  for (const [baseline, description] of [
    ["least_busy", "least-busy with host memory"],
    ["least_busy_no_host_memory", "least-busy without host memory"],
  ] as const) {
    const least = figures.get(baseline)!;
    measurements.push(
      {
        name: `TTFT mean cache_aware / ${baseline}, turns 2+ (${size} neurons)`,
        unit: "ratio",
        value: aware.ttftMean / least.ttftMean,
        target: {
          comparison: "<=",
          value: 0.5,
          description: `issue 16: at most half of least-busy's (baseline: ${description})`,
        },
      },
      {
        name: `output throughput cache_aware / ${baseline} (${size} neurons)`,
        unit: "ratio",
        value: aware.outputPerSecond / least.outputPerSecond,
      },
    );
  }
  return measurements;
}

/**
 * Cache-aware against least-busy routing in the same run (docs/decisions/0007-cache-aware-routing.md):
 * agent-like conversations that resend a growing history over 2 and 4 neurons with 2 sequences each, with
 * least-busy twice as a baseline (over neurons with and without host memory, see {@link Arm}),
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
    const settings = { modelPath: model.path, contextSize: 8192, sequences: 2, threads: 1 };
    const started: RunningProcess[] = [];
    const stopAll = async () => {
      for (const running of started.reverse()) await running.process.stop(15_000);
    };
    const fleets = new Map<string, string>();
    // Two sets of 4 neurons rather than restarting one set between arms: an idle neuron costs a few hundred
    // MB and no CPU beyond answering cortex's polls, while a restart per arm and round would add model loads
    // to every round and leave the arms' neurons in different states of warmth.
    const neuronUrls = new Map<NeuronSet, string[]>();
    try {
      for (const set of ["host_memory", "no_host_memory"] as const) {
        const urls: string[] = [];
        for (let index = 0; index < 4; index++) {
          const name = set === "host_memory" ? `neuron-${index}` : `neuron-${index}-no-host-memory`;
          const neuron = await startCacheNeuron(context.root, context.scratch, name, {
            ...settings,
            hostMemoryMb: hostMemoryMb[set],
          });
          started.push(neuron);
          urls.push(neuron.baseUrl);
        }
        neuronUrls.set(set, urls);
      }
      for (const size of [2, 4]) {
        for (const arm of arms) {
          const cortex = await startCacheCortex(
            context.root,
            context.scratch,
            `${size}-${arm}`,
            neuronUrls.get(armSettings[arm].neurons)!.slice(0, size),
            armSettings[arm].strategy,
          );
          started.push(cortex);
          fleets.set(`${size}-${arm}`, cortex.baseUrl);
        }
      }
    } catch (error) {
      await stopAll();
      throw error;
    }
    context.note(
      `${workload.conversations} conversations × ${workload.turns} turns, each turn resending its history (${workload.historyChars} characters of its own, about one token each with the tiny models' vocabulary) plus ${workload.turnChars} characters; replies of ${workload.maxTokens} tokens, greedy, streamed. Hit ratio and time to first token over turns 2–${workload.turns}; output tokens/s over the whole run. Model: ${cacheModelOptions.embeddingLength} wide, ${cacheModelOptions.blockCount} blocks, ff ${cacheModelOptions.feedForwardLength}, ${cacheModelOptions.weightType}. Neurons: ${settings.threads} thread, ${settings.sequences} sequences of ${settings.contextSize} tokens; least_busy and cache_aware route over 4 neurons with [prefix_cache] host_memory_mb = ${hostMemoryMb.host_memory}, least_busy_no_host_memory over 4 others with host_memory_mb = ${hostMemoryMb.no_host_memory} (no kept states); cortex polls every 2 s. The three run one after another, first in turn by round. All processes share this machine's cores. Neuron queue wait (for a free sequence) and admission to first token (counting, state restore, prefill) are the neurons' own histograms over each run, turn 1 included. Then ${unrelated.requests} unrelated one-turn requests of ${unrelated.promptChars} characters, ${unrelated.concurrency} at a time, over the 4 neurons with host memory, least_busy against cache_aware. Load average: the machine's 1-minute figure at the start and end of each round.`,
    );
    return {
      async measureRound(round) {
        const measurements: Measurement[] = [
          { name: "load average (1 min) at round start", unit: "load", value: loadavg()[0]! },
        ];
        for (const size of [2, 4]) {
          // Rotate which arm runs first, so none always gets the cooler machine.
          const figures = new Map<Arm, ReturnType<typeof summarize>>();
          const split = new Map<Arm, ReturnType<typeof meanNeuronTimings>>();
          for (const arm of rotateOrder(arms, round)) {
            const baseUrl = fleets.get(`${size}-${arm}`) as string;
            const neurons = neuronUrls.get(armSettings[arm].neurons)!.slice(0, size);
            context.log(`${size} neurons, ${arm}`);
            const before = await readNeuronTimings(neurons, cacheModelId);
            figures.set(
              arm,
              summarize(await runConversations(baseUrl, workload, `r${round}-${size}-${arm}`)),
            );
            split.set(arm, meanNeuronTimings(before, await readNeuronTimings(neurons, cacheModelId)));
          }
          for (const arm of arms)
            measurements.push(
              ...armMeasurements(`${size} neurons, ${arm}`, arm, figures.get(arm)!, split.get(arm)!),
            );
          measurements.push(...ratioMeasurements(size, figures));
        }
        // Uniform load of unrelated requests: nothing to match, so cache-aware must not cost throughput.
        const throughput = new Map<Strategy, number>();
        for (const strategy of rotateOrder(strategies, round)) {
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
