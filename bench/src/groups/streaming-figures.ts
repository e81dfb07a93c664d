import type { Measurement, Target } from "../bench-types.js";
import type { StreamTiming } from "../internal/measure-stream.js";
import { percentile } from "../internal/percentile.js";

const ttfbTarget: Target = { comparison: "<=", value: 1, description: "issue 5" };
const unbufferedTarget: Target = { comparison: ">=", value: 1, description: "issue 5: no buffering" };

/** The p-th percentile of one number picked from (or a list of numbers in) every stream. */
function over(
  timings: readonly StreamTiming[],
  pick: (timing: StreamTiming) => number | number[],
  p: number,
) {
  return percentile(
    timings.flatMap((timing) => pick(timing)),
    p,
  );
}

const ttfb = (timing: StreamTiming) => timing.timeToFirstByteMs;
const firstChunk = (timing: StreamTiming) => timing.chunkDelaysMs[0] ?? Number.NaN;
const chunks = (timing: StreamTiming) => timing.chunkDelaysMs;

/**
 * Per gateway, against direct: added time to first byte, split into the request leg (client → stub) and the
 * first chunk's leg (stub → client); added per-chunk delay p99; the share of unbuffered streams. All from the
 * streams sent right after another (`byTarget`); `afterIdle` (the streams that found every process idle since
 * the target's last turn) gives the added time to first byte after idle, as context.
 */
export function streamingFigures(
  byTarget: Map<string, StreamTiming[]>,
  afterIdle: Map<string, StreamTiming[]> = new Map(),
): Measurement[] {
  const direct = byTarget.get("direct")!;
  const base = {
    ttfb: over(direct, ttfb, 50),
    firstChunk: over(direct, firstChunk, 50),
    chunk: over(direct, chunks, 99),
  };
  const idleDirect = afterIdle.get("direct") ?? [];
  const idleBase = over(idleDirect, ttfb, 50);
  const figures: Measurement[] = [
    { name: "direct time to first byte p50", unit: "ms", value: base.ttfb },
    ...(idleDirect.length > 0
      ? [{ name: "direct time to first byte after idle p50", unit: "ms", value: idleBase }]
      : []),
    { name: "direct chunk delay p99", unit: "ms", value: base.chunk },
  ];
  for (const [name, timings] of byTarget) {
    if (name === "direct") continue;
    const isCortex = name === "cortex";
    const addedTtfb = over(timings, ttfb, 50) - base.ttfb;
    const addedFirstChunk = over(timings, firstChunk, 50) - base.firstChunk;
    // A stream counts as unbuffered when its first chunk arrived before the stub wrote its last one.
    const unbuffered = timings.filter((timing) => timing.firstArrivalWallMs < timing.lastWriteWallMs).length;
    figures.push(
      {
        name: `${name} added time to first byte p50`,
        unit: "ms",
        value: addedTtfb,
        ...(isCortex ? { target: ttfbTarget } : {}),
      },
      { name: `${name} … of which the first chunk's way back`, unit: "ms", value: addedFirstChunk },
      ...((afterIdle.get(name)?.length ?? 0) > 0
        ? [
            {
              name: `${name} added time to first byte after idle p50 (context)`,
              unit: "ms",
              value: over(afterIdle.get(name)!, ttfb, 50) - idleBase,
            },
          ]
        : []),
      { name: `${name} added chunk delay p99`, unit: "ms", value: over(timings, chunks, 99) - base.chunk },
      {
        name: `${name} unbuffered streams`,
        unit: "fraction",
        value: unbuffered / timings.length,
        ...(isCortex ? { target: unbufferedTarget } : {}),
      },
    );
  }
  return figures;
}
