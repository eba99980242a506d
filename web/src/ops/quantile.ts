/**
 * A quantile from a Prometheus histogram's cumulative buckets, computed as PromQL's
 * `histogram_quantile` does: linear interpolation inside the bucket the rank falls in.
 */

/** A cumulative bucket: `count` observations were ≤ `le`. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of the observations counted by `buckets`, or undefined when there are
 * none (or no +Inf bucket, as PromQL answers NaN). A rank in the +Inf bucket answers the highest
 * finite bound, since nothing is known above it.
 */
export function quantileFromBuckets(q: number, buckets: readonly Bucket[]): number | undefined {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`a quantile lies between 0 and 1, not ${q}`);
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const last = sorted.at(-1);
  if (!last || last.le !== Number.POSITIVE_INFINITY || last.count <= 0) return undefined;
  const rank = q * last.count;
  const index = sorted.findIndex((bucket) => bucket.count >= rank);
  const bucket = sorted[index]!;
  if (bucket.le === Number.POSITIVE_INFINITY) return sorted.at(-2)?.le;
  const below = sorted[index - 1];
  const start = below?.le ?? 0;
  // The lowest bucket starts at 0, unless its bound is negative (then nothing is known below it).
  if (!below && bucket.le <= 0) return bucket.le;
  const before = below?.count ?? 0;
  const inside = bucket.count - before;
  return inside > 0 ? start + (bucket.le - start) * ((rank - before) / inside) : bucket.le;
}

/**
 * The buckets of the histogram `family` summed over every series (functions, states), as
 * `sum by (le)` does: keyed by bound.
 */
export function sumBuckets(
  samples: readonly { name: string; labels: Record<string, string>; value: number }[],
  family: string,
): Bucket[] {
  const byBound = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${family}_bucket` || sample.labels.le === undefined) continue;
    const le = sample.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
  }
  return [...byBound].map(([le, count]) => ({ le, count }));
}

/** The observations between two readings of the same buckets (`later − earlier`, bound by bound). */
export function bucketIncrease(later: readonly Bucket[], earlier: readonly Bucket[]): Bucket[] {
  const before = new Map(earlier.map((b) => [b.le, b.count]));
  const increase = later.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) }));
  // A counter that went down was reset (a function restarted): count from zero, as rate() does.
  return increase.some((b) => b.count < 0) ? [...later] : increase;
}
