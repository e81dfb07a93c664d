import type { Discovery } from "@helexa/core";
import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";
import { maxPromptTokens } from "../ipc/max-prompt-tokens.js";
import type { ModelRegistry } from "../supervisor/model-registry.js";
import type { BackendProbe } from "../supervisor/probe-backend.js";
import type { HostInventory } from "./discover-host.js";

/**
 * `/discovery`: the start-up inventory plus the backend actually in use (from a loaded model, else the
 * start-up probe). `max_prompt_tokens` is the largest prompt any loaded model takes.
 */
export function describeDiscovery(
  inventory: HostInventory,
  config: ResolvedNeuronConfig,
  registry: ModelRegistry,
  probe: BackendProbe | null,
): Discovery {
  const fromModel = registry.entries().find((entry) => entry.info !== undefined)?.info?.gpu;
  const gpu = config.gpu === "cpu" ? "cpu" : (fromModel ?? probe?.gpu);
  return {
    hostname: inventory.hostname,
    os: inventory.os,
    kernel: inventory.kernel,
    cuda_version: inventory.cudaVersion,
    driver_version: inventory.driverVersion,
    devices: inventory.devices,
    harnesses: ["llama.cpp"],
    max_prompt_tokens: Math.max(
      0,
      ...registry.entries().map((entry) => maxPromptTokens(entry.info?.contextSize ?? 0)),
    ),
    ...(inventory.cudaUnavailableReason === undefined
      ? {}
      : { cuda_unavailable_reason: inventory.cudaUnavailableReason }),
    ...(gpu === undefined ? {} : { gpu }),
  };
}
