import { isAbsolute, resolve } from "node:path";
import { invalidRequest, type LoadSpec, modelNotFound } from "@helexa/core";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";
import type { WorkerLoadSpec } from "../ipc/worker-protocol.js";
import type { AdmissionLimits } from "./admission-queue.js";
import { checkDownloadUri, checkLoadPath } from "./check-load-source.js";

/** What the registry needs to start (and later restart) a model. */
export interface ModelPlan {
  spec: WorkerLoadSpec;
  admission: AdmissionLimits;
}

/**
 * Turns a load request into a plan: a `[[models]]` id uses its profile (request fields override it);
 * otherwise `path` or `uri` name the weights, and a bare `org/name` (optionally `hf:` / `huggingface:`
 * prefixed, with `quant`) is fetched from Hugging Face, as cortex's cold loads name models. A `path` must be in
 * `models_dir` or a `[[models]]` path; a download must come from `allowed_download_hosts`.
 */
export function resolveLoadSpec(request: LoadSpec, config: ResolvedNeuronConfig): ModelPlan {
  const profile = config.models.find((model) => model.id === request.model_id);
  const fromPath = (path: string) => {
    const absolute = isAbsolute(path) ? path : resolve(config.config_dir, path);
    checkLoadPath(absolute, config);
    return { kind: "path" as const, path: absolute };
  };
  const fromUri = (uri: string) => {
    checkDownloadUri(uri, config.allowed_download_hosts);
    return {
      kind: "uri" as const,
      uri,
      directory: config.models_dir,
      allowedHosts: config.allowed_download_hosts,
    };
  };
  const hub = huggingFaceUri(request.model_id, request.quant ?? undefined);
  let source: WorkerLoadSpec["source"];
  if (request.path != null) source = fromPath(request.path);
  else if (request.uri != null) source = fromUri(request.uri);
  else if (profile?.path !== undefined) source = fromPath(profile.path);
  else if (profile?.uri !== undefined) source = fromUri(profile.uri);
  else if (hub !== undefined) source = fromUri(hub);
  else {
    throw modelNotFound(
      request.model_id,
      `unknown model '${request.model_id}': not in this neuron's [[models]] and no path or uri given`,
    );
  }
  const contextSize = request.context_size ?? profile?.context_size;
  const devices = request.devices ?? profile?.devices;
  const admission = { ...config.admission, ...profile?.admission };
  const sequences = request.sequences ?? profile?.sequences ?? 1;
  if (
    request.tensor_parallel != null &&
    request.tensor_parallel > 1 &&
    devices != null &&
    devices.length < request.tensor_parallel
  ) {
    throw invalidRequest(
      `tensor_parallel = ${request.tensor_parallel} needs at least that many devices`,
      "devices",
    );
  }
  return {
    spec: {
      modelId: request.model_id,
      source,
      ...(contextSize == null ? {} : { contextSize }),
      sequences,
      gpu: config.gpu,
      threads: config.threads,
      gpuLayers: profile?.gpu_layers ?? "auto",
      ...(devices == null ? {} : { devices }),
      stallTimeoutMs: (admission.stall_timeout_secs ?? config.admission.stall_timeout_secs) * 1000,
      hostStateBytes: config.prefix_cache.host_memory_mb * 1024 * 1024,
    },
    admission: {
      maxInFlight: sequences,
      maxQueueDepth: admission.max_queue_depth ?? config.admission.max_queue_depth,
      maxWaitMs: (admission.max_wait_secs ?? config.admission.max_wait_secs) * 1000,
    },
  };
}

function huggingFaceUri(modelId: string, quant: string | undefined): string | undefined {
  const bare = modelId.replace(/^(hf|huggingface):/, "");
  if (!/^[^/:\s]+\/[^/:\s]+$/.test(bare)) return undefined;
  return quant === undefined || quant === "" ? `hf:${bare}` : `hf:${bare}:${quant}`;
}
