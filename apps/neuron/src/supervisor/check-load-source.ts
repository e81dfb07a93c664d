import { relative, resolve, sep } from "node:path";
import { invalidRequest } from "@helexa/core";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";
import { isAllowedHost } from "../internal/is-allowed-host.js";

/**
 * Refuses a load request's `path` outside `models_dir` that is not one of the `[[models]]` paths: the
 * lifecycle API must not read arbitrary files of the host as models.
 */
export function checkLoadPath(absolutePath: string, config: ResolvedNeuronConfig): void {
  const path = resolve(absolutePath);
  const inside = relative(resolve(config.models_dir), path);
  const underModelsDir =
    inside !== "" && !inside.startsWith(`..${sep}`) && inside !== ".." && !inside.startsWith(sep);
  const configured = config.models.some((model) => model.path !== undefined && resolve(model.path) === path);
  if (underModelsDir || configured) return;
  throw invalidRequest(
    "path must name a file in this neuron's models_dir or a [[models]] path",
    "path",
    "path_not_allowed",
  );
}

/**
 * Refuses a download whose host is not in `allowed_download_hosts` (`hf:` URIs are Hugging Face's).
 * Redirects are checked while downloading, in the worker.
 */
export function checkDownloadUri(uri: string, allowedHosts: readonly string[]): void {
  const host = downloadHost(uri);
  if (host !== undefined && isAllowedHost(host, allowedHosts)) return;
  throw invalidRequest(
    host === undefined
      ? "uri must be hf:org/repo… or an http(s) URL"
      : `downloads from '${host}' are not allowed on this neuron (allowed_download_hosts)`,
    "uri",
    "download_not_allowed",
  );
}

function downloadHost(uri: string): string | undefined {
  if (/^(hf|huggingface):/i.test(uri)) return "huggingface.co";
  try {
    const url = new URL(uri);
    return url.protocol === "https:" || url.protocol === "http:" ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}
