/**
 * Latency samples per name, percentiles, and errors by Connect code: what the load generator reports.
 */

/** Recorded latencies (ms) per name, and error counts per code. */
export class Stats {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  requests = 0;

  record(name: string, ms: number): void {
    const list = this.samples.get(name);
    if (list) list.push(ms);
    else this.samples.set(name, [ms]);
  }

  error(name: string, code: string): void {
    const key = `${name}: ${code}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  count(name: string): number {
    return this.samples.get(name)?.length ?? 0;
  }

  totalErrors(): number {
    let total = 0;
    for (const n of this.errors.values()) total += n;
    return total;
  }

  /** Rows of name, count, p50, p95, p99, max (ms). */
  table(): { name: string; count: number; p50: number; p95: number; p99: number; max: number }[] {
    return [...this.samples.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return {
          name,
          count: sorted.length,
          p50: pct(sorted, 50),
          p95: pct(sorted, 95),
          p99: pct(sorted, 99),
          max: sorted.at(-1) ?? 0,
        };
      });
  }
}

/** The p-th percentile of sorted values (nearest rank). */
export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
