/**
 * The known key nearest to `key` by edit distance (case-insensitive), or undefined when none is close
 * enough to be a likely typo: at most 2 edits, or a third of the key's length for long keys.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { key: candidate, distance };
  }
  if (best !== undefined) return best.key;
  // A prefix is a likely slip too (`thread` for `threads`, `models` for `models_config`).
  if (wanted.length < 4) return undefined;
  return known.find((candidate) => candidate.startsWith(wanted) || wanted.startsWith(candidate));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
