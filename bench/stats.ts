/** Shared figures for the benchmarks: the median is robust to the odd GC pause or scheduler hiccup. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
