/** One histogram bucket: how many observations were at most `le` (cumulative, as Prometheus counts). */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The `q` quantile (0..1) of a histogram given as cumulative buckets sorted by `le`, the last one `+Inf`,
 * interpolated linearly inside the bucket the rank falls in, as Prometheus's `histogram_quantile` does.
 * A rank in the `+Inf` bucket answers the largest finite bound. Null when the histogram is empty.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
