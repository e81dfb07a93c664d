/** Running totals of a neuron's admission histograms for one model (seconds summed, and how many). */
export interface NeuronTimings {
  /** `neuron_queue_wait_seconds`: waiting for a free sequence (admission). */
  queueWaitSeconds: number;
  queueWaitCount: number;
  /** `neuron_time_to_first_token_seconds`: admission to first token (counting, state restore, prefill). */
  firstTokenSeconds: number;
  firstTokenCount: number;
}

const zero: NeuronTimings = {
  queueWaitSeconds: 0,
  queueWaitCount: 0,
  firstTokenSeconds: 0,
  firstTokenCount: 0,
};

const fields = {
  neuron_queue_wait_seconds_sum: "queueWaitSeconds",
  neuron_queue_wait_seconds_count: "queueWaitCount",
  neuron_time_to_first_token_seconds_sum: "firstTokenSeconds",
  neuron_time_to_first_token_seconds_count: "firstTokenCount",
} as const satisfies Record<string, keyof NeuronTimings>;

/** The admission histograms' `_sum` and `_count` for `model` in a Prometheus text exposition (0 when absent). */
export function parseNeuronTimings(exposition: string, model: string): NeuronTimings {
  const timings = { ...zero };
  const label = `model="${model}"`;
  for (const line of exposition.split("\n")) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line.trim());
    if (match === null || !match[2]!.split(",").includes(label)) continue;
    const field = fields[match[1] as keyof typeof fields];
    if (field !== undefined) timings[field] = Number(match[3]);
  }
  return timings;
}

/** Reads `model`'s admission histograms from each neuron's `/metrics` and adds them up. */
export async function readNeuronTimings(baseUrls: readonly string[], model: string): Promise<NeuronTimings> {
  const readings = await Promise.all(
    baseUrls.map(async (baseUrl) => {
      const response = await fetch(`${baseUrl}/metrics`);
      if (!response.ok) throw new Error(`neuron metrics: ${response.status} from ${baseUrl}`);
      return parseNeuronTimings(await response.text(), model);
    }),
  );
  return readings.reduce(
    (total, reading) => ({
      queueWaitSeconds: total.queueWaitSeconds + reading.queueWaitSeconds,
      queueWaitCount: total.queueWaitCount + reading.queueWaitCount,
      firstTokenSeconds: total.firstTokenSeconds + reading.firstTokenSeconds,
      firstTokenCount: total.firstTokenCount + reading.firstTokenCount,
    }),
    zero,
  );
}

/** Mean queue wait and mean admission-to-first-token (ms) of the requests admitted between two readings. */
export function meanNeuronTimings(
  before: NeuronTimings,
  after: NeuronTimings,
): { queueWaitMs: number; firstTokenMs: number } {
  const waits = after.queueWaitCount - before.queueWaitCount;
  const firsts = after.firstTokenCount - before.firstTokenCount;
  return {
    queueWaitMs:
      waits === 0 ? Number.NaN : ((after.queueWaitSeconds - before.queueWaitSeconds) / waits) * 1000,
    firstTokenMs:
      firsts === 0 ? Number.NaN : ((after.firstTokenSeconds - before.firstTokenSeconds) / firsts) * 1000,
  };
}
