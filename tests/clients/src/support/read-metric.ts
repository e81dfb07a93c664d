/**
 * The value of one sample of cortex's Prometheus text (`name{labels}`), 0 when absent: a counter not yet
 * incremented has no sample. `labels` must match exactly, in cortex's order, e.g. `model="tiny",node="local"`.
 */
export async function readMetric(metricsUrl: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const prefix = `${name}{${labels}} `;
  const line = text.split("\n").find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}
