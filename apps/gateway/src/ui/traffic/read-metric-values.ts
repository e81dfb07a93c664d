import type { Registry } from "prom-client";

/** One sample of a prom-client series: its value, labels and (for histograms) the sub-series name. */
export interface MetricValue {
  value: number;
  labels: Record<string, string | number | undefined>;
  metricName?: string;
}

/** The current values of one registered series, or none when it is not registered (no entitlements). */
export async function readMetricValues(registry: Registry, name: string): Promise<MetricValue[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return [];
  const read = await metric.get();
  return read.values as MetricValue[];
}
