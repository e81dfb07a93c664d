import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { modelListSchema } from "@helexa/core";
import { formatBytes } from "./create-progress-reporter.js";
import { readToolConfig } from "./read-tool-config.js";

export interface ModelsCommandOptions {
  configPath?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Row {
  file: string;
  size: string;
  ids: string[];
}

/**
 * `neuron models`: the GGUF files in `models_dir` (and `[[models]]` paths elsewhere) with their size, the
 * `[[models]]` ids that serve each, and, when the neuron of this config answers `GET /models`, each id's
 * status. Resolves with the exit code (2 for a config error).
 */
export async function runModelsCommand(options: ModelsCommandOptions): Promise<number> {
  const loaded = await readToolConfig(options.configPath, options.cwd, options.env);
  if (!loaded.ok) {
    options.stderr(`neuron models: ${loaded.error}\n`);
    return 2;
  }
  const { config } = loaded;
  const files = new Map<string, Row>();
  const names = await readdir(config.models_dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const path = join(config.models_dir, name);
    const partial = name.toLowerCase().endsWith(".gguf.part");
    if (!name.toLowerCase().endsWith(".gguf") && !partial) continue;
    const size = (await stat(path)).size;
    files.set(path, {
      file: path,
      size: partial ? `${formatBytes(size)} (partial: neuron pull resumes it)` : formatBytes(size),
      ids: [],
    });
  }
  for (const model of config.models) {
    if (model.path === undefined) continue;
    let row = files.get(model.path);
    if (row === undefined) {
      const size = await stat(model.path).then(
        (info) => formatBytes(info.size),
        () => "missing",
      );
      row = { file: model.path, size, ids: [] };
      files.set(model.path, row);
    }
    row.ids.push(model.id);
  }
  const uriModels = config.models.filter((model) => model.path === undefined);
  const statuses = await fetchStatuses(config, options.fetch);
  const statusOf = (id: string) => (statuses.ok ? (statuses.byId.get(id) ?? "not loaded") : "-");
  const table: string[][] = [["FILE", "SIZE", "MODEL", "STATUS"]];
  for (const row of files.values()) {
    const shown = relative(options.cwd, row.file) || row.file;
    if (row.ids.length === 0) table.push([shown, row.size, "-", "-"]);
    for (const id of row.ids) table.push([shown, row.size, id, statusOf(id)]);
  }
  for (const model of uriModels) table.push([model.uri ?? "", "-", model.id, statusOf(model.id)]);
  options.stdout(`models_dir ${config.models_dir}\n`);
  if (table.length === 1) options.stdout("no models: run `neuron pull <uri>` to download one\n");
  else options.stdout(formatTable(table));
  options.stdout(statuses.ok ? `status from ${statuses.url}\n` : `${statuses.note}\n`);
  return 0;
}

async function fetchStatuses(
  config: { host: string; port: number; auth_token?: string | undefined },
  fetchFn: typeof fetch,
): Promise<{ ok: true; url: string; byId: Map<string, string> } | { ok: false; note: string }> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.port}/models`;
  try {
    const response = await fetchFn(url, {
      headers: config.auth_token === undefined ? {} : { authorization: `Bearer ${config.auth_token}` },
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok)
      return { ok: false, note: `the neuron at ${url} answered HTTP ${response.status}: status not shown` };
    const list = modelListSchema.safeParse(await response.json());
    if (!list.success)
      return { ok: false, note: `the neuron at ${url} sent a model list this version cannot read` };
    return { ok: true, url, byId: new Map(list.data.map((model) => [model.id, model.status])) };
  } catch {
    return { ok: false, note: `no neuron answering at ${url}: status not shown` };
  }
}

function formatTable(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}
