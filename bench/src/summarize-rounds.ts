import type { Figure, Measurement, Target, Verdict } from "./bench-types.js";

/** Median of a non-empty list (mean of the middle two when even). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Holds a value against a target. */
export function judge(value: number, target: Target | null): Verdict {
  if (target === null) return "info";
  if (!Number.isFinite(value)) return "miss";
  if (target.comparison === "<=") return value <= target.value ? "pass" : "miss";
  if (target.comparison === ">=") return value >= target.value ? "pass" : "miss";
  return value > target.value ? "pass" : "miss";
}

/** Folds the measurements of every round into figures, in first-seen order. */
export function summarizeRounds(rounds: readonly (readonly Measurement[])[]): Figure[] {
  const byName = new Map<string, { unit: string; target: Target | null; values: number[] }>();
  for (const round of rounds) {
    for (const measurement of round) {
      let entry = byName.get(measurement.name);
      if (entry === undefined) {
        entry = { unit: measurement.unit, target: measurement.target ?? null, values: [] };
        byName.set(measurement.name, entry);
      }
      entry.values.push(measurement.value);
    }
  }
  return [...byName].map(([name, entry]) => {
    const middle = median(entry.values);
    return {
      name,
      unit: entry.unit,
      rounds: entry.values,
      min: Math.min(...entry.values),
      median: middle,
      max: Math.max(...entry.values),
      target: entry.target,
      verdict: judge(middle, entry.target),
    };
  });
}
