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

/** One round's streams, per target name (`direct` included); every map holds the same targets. */
export interface StreamRound {
  /** Gapped streams sent right after another: chunk delays, buffering, and a context time to first byte. */
  gapped: Map<string, StreamTiming[]>;
  /** Gapped streams that found every process idle since the target's last turn (context). */
  afterIdle: Map<string, StreamTiming[]>;
  /**
   * Streams the stub writes at once, each sent right after another: the time to first byte a client of a
   * gateway with steady traffic sees.
   */
  instant: Map<string, StreamTiming[]>;
}

/**
 * Per gateway, against direct: added time to first byte (from the instant streams), split into the request
 * leg (client → stub) and the first chunk's leg (stub → client); the same after a gapped stream and after
 * idle, as context; added per-chunk delay p99 and the share of unbuffered streams (from the gapped streams).
 */
export function streamingFigures({ gapped, afterIdle, instant }: StreamRound): Measurement[] {
  const base = {
    ttfb: over(instant.get("direct")!, ttfb, 50),
    firstChunk: over(instant.get("direct")!, firstChunk, 50),
    gappedTtfb: over(gapped.get("direct")!, ttfb, 50),
    idleTtfb: over(afterIdle.get("direct")!, ttfb, 50),
    chunk: over(gapped.get("direct")!, chunks, 99),
  };
  const figures: Measurement[] = [
    { name: "direct time to first byte p50", unit: "ms", value: base.ttfb },
    { name: "direct time to first byte after a gapped stream p50", unit: "ms", value: base.gappedTtfb },
    { name: "direct time to first byte after idle p50", unit: "ms", value: base.idleTtfb },
    { name: "direct chunk delay p99", unit: "ms", value: base.chunk },
  ];
  for (const [name, timings] of gapped) {
    if (name === "direct") continue;
    const isCortex = name === "cortex";
    const quick = instant.get(name)!;
    // A stream counts as unbuffered when its first chunk arrived before the stub wrote its last one.
    const unbuffered = timings.filter((timing) => timing.firstArrivalWallMs < timing.lastWriteWallMs).length;
    figures.push(
      {
        name: `${name} added time to first byte p50`,
        unit: "ms",
        value: over(quick, ttfb, 50) - base.ttfb,
        ...(isCortex ? { target: ttfbTarget } : {}),
      },
      {
        name: `${name} … of which the first chunk's way back`,
        unit: "ms",
        value: over(quick, firstChunk, 50) - base.firstChunk,
      },
      {
        name: `${name} added time to first byte after a gapped stream p50 (context)`,
        unit: "ms",
        value: over(timings, ttfb, 50) - base.gappedTtfb,
      },
      {
        name: `${name} added time to first byte after idle p50 (context)`,
        unit: "ms",
        value: over(afterIdle.get(name)!, ttfb, 50) - base.idleTtfb,
      },
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
