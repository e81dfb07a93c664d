import { redactUrlCredentials } from "@helexa/core";
import type { FetchFunction } from "../fleet/neuron-client.js";
import { formatStatus, type HealthView, type ModelView } from "./format-status.js";

export interface StatusOptions {
  url: string;
  key?: string | undefined;
  fetch?: FetchFunction;
  /** Neuron name → endpoint (from a cortex.toml), so a down neuron is named with the URL cortex polls. */
  endpoints?: Record<string, string>;
}

/** What `cortex status` prints, and what is wrong with the fleet (empty when every neuron is healthy). */
export type StatusReport = { ok: true; text: string; problems: string[] } | { ok: false; error: string };

/**
 * `cortex status`: reads `/health` (public) and `/v1/models` (with `--key` when cortex requires one).
 * A cortex that cannot be reached, or a fleet with a neuron down, is reported with the URL involved:
 * cortex's own, or the neuron's endpoint when `endpoints` knows it (credentials in it are dropped).
 */
export async function statusReport(options: StatusOptions): Promise<StatusReport> {
  const fetch = options.fetch ?? globalThis.fetch;
  const base = options.url.replace(/\/+$/, "");
  const get = async (path: string, headers: Record<string, string> = {}) => {
    try {
      return await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new Error(`cannot reach cortex at ${withoutCredentials(base)}${path}: ${describeFailure(error)}`);
    }
  };
  try {
    const healthResponse = await get("/health");
    if (!healthResponse.ok)
      return {
        ok: false,
        error: `${withoutCredentials(base)}/health answered HTTP ${healthResponse.status}`,
      };
    const health = (await healthResponse.json()) as HealthView;
    const problems = fleetProblems(health, options.endpoints ?? {});
    const modelsResponse = await get(
      "/v1/models",
      options.key ? { authorization: `Bearer ${options.key}` } : {},
    );
    if (modelsResponse.status === 401)
      return {
        ok: true,
        text: `${formatStatus(health, null)}\n(models: cortex requires a key; pass --key)\n`,
        problems,
      };
    if (!modelsResponse.ok)
      return {
        ok: false,
        error: `${withoutCredentials(base)}/v1/models answered HTTP ${modelsResponse.status}`,
      };
    const models = ((await modelsResponse.json()) as { data?: ModelView[] }).data ?? [];
    return { ok: true, text: formatStatus(health, models), problems };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The table alone, as before `statusReport`; throws when cortex cannot be read. */
export async function runStatusCommand(options: StatusOptions): Promise<string> {
  const report = await statusReport(options);
  if (!report.ok) throw new Error(report.error);
  return report.text;
}

function fleetProblems(health: HealthView, endpoints: Record<string, string>): string[] {
  const neurons = health.neurons ?? [];
  if (neurons.length === 0 && health.status !== "ok") return ["no neurons are configured"];
  return neurons
    .filter((node) => !node.healthy)
    .map((node) => {
      const endpoint = endpoints[node.name];
      const where = endpoint === undefined ? "" : ` at ${withoutCredentials(endpoint)}`;
      return `neuron ${node.name}${where} is down: ${node.error ?? "not reached yet"}`;
    });
}

function withoutCredentials(url: string): string {
  return redactUrlCredentials(url).replace(/\/$/, "");
}

function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer within 10 s";
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
