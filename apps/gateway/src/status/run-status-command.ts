import type { FetchFunction } from "../fleet/neuron-client.js";
import { formatStatus, type HealthView, type ModelView } from "./format-status.js";

export interface StatusOptions {
  url: string;
  key?: string | undefined;
  fetch?: FetchFunction;
}

/**
 * `cortex status`: reads `/health` (public) and `/v1/models` (with `--key` when cortex requires one) and
 * returns the table. Without a key under `require_auth`, the models part says so instead of failing.
 */
export async function runStatusCommand(options: StatusOptions): Promise<string> {
  const fetch = options.fetch ?? globalThis.fetch;
  const base = options.url.replace(/\/+$/, "");
  const healthResponse = await fetch(`${base}/health`, { signal: AbortSignal.timeout(10_000) });
  if (!healthResponse.ok) throw new Error(`${base}/health answered HTTP ${healthResponse.status}`);
  const health = (await healthResponse.json()) as HealthView;
  const headers: Record<string, string> = options.key ? { authorization: `Bearer ${options.key}` } : {};
  const modelsResponse = await fetch(`${base}/v1/models`, { headers, signal: AbortSignal.timeout(10_000) });
  if (modelsResponse.status === 401) {
    return `${formatStatus(health, null)}\n(models: cortex requires a key; pass --key)\n`;
  }
  if (!modelsResponse.ok) throw new Error(`${base}/v1/models answered HTTP ${modelsResponse.status}`);
  const models = ((await modelsResponse.json()) as { data?: ModelView[] }).data ?? [];
  return formatStatus(health, models);
}
