import { mkdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { createHostGuardedFetch, type DownloadHostError } from "../engine/create-host-guarded-fetch.js";
import { createHfTokenFetch } from "./create-hf-token-fetch.js";
import { createProgressReporter, formatBytes } from "./create-progress-reporter.js";
import { describeHfRefusal } from "./describe-hf-refusal.js";
import { downloadFile } from "./download-file.js";
import { parseModelUri } from "./parse-model-uri.js";
import { readToolConfig } from "./read-tool-config.js";
import { resolvePullSource } from "./resolve-pull-source.js";

export interface PullCommandOptions {
  uri: string;
  configPath?: string;
  cwd: string;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: a redrawn progress line, else a plain line every few seconds. */
  isTTY: boolean;
  sleep?(ms: number): Promise<void>;
}

/** Hugging Face's address unless `HF_ENDPOINT` names a mirror (as huggingface_hub reads it). */
const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

/**
 * `neuron pull <uri>`: downloads a GGUF into `models_dir`, only from `allowed_download_hosts` (the same
 * guard as load-by-URI, redirects included), resuming a `.part` left by a cut run. `HF_TOKEN` goes to the
 * Hugging Face endpoint alone (not to the CDN its downloads redirect to) and is never printed. Resolves with the exit
 * code: 0 done (or already there), 1 the download failed, 2 a usage or config error.
 */
export async function runPullCommand(options: PullCommandOptions): Promise<number> {
  const parsedUri = parseModelUri(options.uri);
  if (!parsedUri.ok) {
    options.stderr(`neuron pull: ${parsedUri.error}\n`);
    return 2;
  }
  const loaded = await readToolConfig(options.configPath, options.cwd, options.env);
  if (!loaded.ok) {
    options.stderr(`neuron pull: ${loaded.error}\n`);
    return 2;
  }
  if (loaded.note !== undefined) options.stderr(`neuron pull: ${loaded.note}\n`);
  const { config } = loaded;
  const endpoint = options.env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT;
  const token = options.env.HF_TOKEN?.trim() || undefined;
  // A header cannot carry these, and fetch's complaint would quote the token.
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    options.stderr("neuron pull: HF_TOKEN holds spaces or control characters; set it to the token alone\n");
    return 2;
  }
  let refused: DownloadHostError | undefined;
  const withToken = createHfTokenFetch(options.fetch, endpoint, token);
  const guarded = createHostGuardedFetch(withToken, config.allowed_download_hosts, (error) => {
    refused ??= error;
  });
  const hosts = config.allowed_download_hosts.join(", ");
  const refusal = () =>
    `host '${refused?.host}' is not in allowed_download_hosts (${hosts}); add it to neuron.toml to download from it`;
  const resolved = await resolvePullSource(parsedUri.uri, endpoint, guarded, token !== undefined);
  if (refused !== undefined || !resolved.ok) {
    options.stderr(`neuron pull: ${refused !== undefined ? refusal() : resolved.ok ? "" : resolved.error}\n`);
    return 1;
  }
  const { source } = resolved;
  await mkdir(config.models_dir, { recursive: true });
  const destination = join(config.models_dir, source.fileName);
  const shown = relative(options.cwd, destination) || destination;
  const existing = await stat(destination).catch(() => undefined);
  if (existing !== undefined && (source.size === undefined || existing.size === source.size)) {
    options.stdout(
      `${shown}: already there (${formatBytes(existing.size)})\n${snippet(destination, config.config_dir)}`,
    );
    return 0;
  }
  options.stderr(`pulling ${source.url.origin}${source.url.pathname}\n     -> ${shown}\n`);
  const reporter = createProgressReporter({ write: options.stderr, isTTY: options.isTTY });
  const result = await downloadFile({
    url: source.url,
    destination,
    fetch: guarded,
    ...(source.size === undefined ? {} : { expectedSize: source.size }),
    ...(source.sha256 === undefined ? {} : { sha256: source.sha256 }),
    onProgress: (bytes, total) => reporter.update(bytes, total),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
  reporter.finish();
  if (!result.ok) {
    const fromHf = URL.canParse(endpoint) && source.url.origin === new URL(endpoint).origin;
    const hint =
      fromHf && result.status !== undefined
        ? describeHfRefusal(result.status, token !== undefined)
        : undefined;
    const reason = `${result.error}${hint === undefined ? "" : `: ${hint}`}`;
    options.stderr(`neuron pull: ${refused !== undefined ? refusal() : reason}\n`);
    return 1;
  }
  const resumed = result.resumedFrom > 0 ? `, resumed at ${formatBytes(result.resumedFrom)}` : "";
  const checked = result.sha256 !== undefined ? ", sha256 verified" : "";
  options.stdout(
    `${shown}: ${formatBytes(result.bytes)}${resumed}${checked}\n${snippet(destination, config.config_dir)}`,
  );
  return 0;
}

/** The `[[models]]` lines that serve the pulled file, its path relative to the config's folder. */
function snippet(destination: string, configDir: string): string {
  const name =
    destination
      .split("/")
      .pop()
      ?.replace(/\.gguf$/i, "")
      .toLowerCase() ?? "model";
  const path = relative(configDir, destination);
  return `serve it with, in neuron.toml:\n  [[models]]\n  id = "${name}"\n  path = "${path}"\n`;
}
