/** `/health` as `cortex status` reads it (fields it does not know are ignored). */
export interface HealthView {
  status?: string;
  nodes?: { healthy?: number; total?: number };
  neurons?: Array<{
    name: string;
    healthy: boolean;
    draining?: boolean;
    error?: string | null;
    free_vram_mb?: number | null;
    models?: Array<{
      id: string;
      status: string;
      in_flight?: number;
      queue_depth?: number;
      max_in_flight?: number | null;
      max_queue_depth?: number | null;
    }>;
  }>;
}

/** `/v1/models` entries as `cortex status` reads them. */
export interface ModelView {
  id: string;
  loaded?: boolean;
  alias_of?: string;
  limit?: { context?: number };
  locations?: Array<{ node: string; status: string }>;
  feasible_on?: string[];
}

/** The readable fleet table: one row per replica, then one per model; plain text, no colours. */
export function formatStatus(health: HealthView, models: ModelView[] | null): string {
  const lines: string[] = [];
  const healthy = health.nodes?.healthy ?? 0;
  const total = health.nodes?.total ?? 0;
  lines.push(`cortex: ${health.status ?? "unknown"} (${healthy}/${total} nodes healthy)`, "");
  const rows: string[][] = [["NODE", "HEALTH", "FREE VRAM", "MODEL", "STATUS", "IN FLIGHT", "QUEUE"]];
  for (const node of health.neurons ?? []) {
    const state = node.draining
      ? "draining"
      : node.healthy
        ? "healthy"
        : `down${node.error ? ` (${node.error})` : ""}`;
    const vram =
      node.free_vram_mb === null || node.free_vram_mb === undefined ? "-" : formatMb(node.free_vram_mb);
    const replicas = node.models ?? [];
    if (replicas.length === 0) rows.push([node.name, state, vram, "-", "-", "-", "-"]);
    replicas.forEach((model, index) => {
      rows.push([
        index === 0 ? node.name : "",
        index === 0 ? state : "",
        index === 0 ? vram : "",
        model.id,
        model.status,
        ratio(model.in_flight ?? 0, model.max_in_flight),
        ratio(model.queue_depth ?? 0, model.max_queue_depth),
      ]);
    });
  }
  lines.push(...table(rows));
  if (models !== null) {
    lines.push("");
    const modelRows: string[][] = [["MODEL", "LOADED", "CONTEXT", "WHERE"]];
    for (const model of models) {
      const where = model.alias_of
        ? `alias of ${model.alias_of}`
        : (model.locations ?? []).map((location) => `${location.node}(${location.status})`).join(", ") ||
          (model.feasible_on?.length ? `loadable on ${model.feasible_on.join(", ")}` : "-");
      modelRows.push([model.id, model.loaded ? "yes" : "no", String(model.limit?.context ?? "-"), where]);
    }
    lines.push(...table(modelRows));
  }
  return `${lines.join("\n")}\n`;
}

function ratio(value: number, max: number | null | undefined): string {
  return max === null || max === undefined ? String(value) : `${value}/${max}`;
}

function formatMb(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${Math.round(mb)} MiB`;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}
