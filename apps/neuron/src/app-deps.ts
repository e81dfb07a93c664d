import type { BuildInfo, DeviceHealth, Discovery } from "@helexa/core";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ResolvedNeuronConfig } from "./config/resolved-neuron-config.js";
import type { NeuronMetrics } from "./metrics/neuron-metrics.js";
import type { ActivationTracker } from "./supervisor/activation-tracker.js";
import type { ModelRegistry } from "./supervisor/model-registry.js";
import type { RequestUsageBook } from "./supervisor/request-usage-book.js";

/** Everything `createApp` needs; nothing is read from the environment inside the app. */
export interface NeuronAppDeps {
  config: ResolvedNeuronConfig;
  registry: ModelRegistry;
  /** Final usage of recent requests by `x-request-id`, for `GET /v1/requests/{id}/usage`. */
  requestUsage: RequestUsageBook;
  activation: ActivationTracker;
  buildInfo: BuildInfo;
  /** The current `/discovery` body (static inventory plus the backend in use once known). */
  discovery: () => Discovery;
  /** Latest per-GPU readings. */
  devices: () => DeviceHealth[];
  /** Base URL clients reach this neuron at (for `/models/{id}/endpoint`). */
  publicUrl: () => string;
  metrics: NeuronMetrics;
  metricsRegistry: Registry;
  logger: Logger;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  startedAt: number;
  /** Idle time before an SSE keep-alive comment. Default 15 s. */
  keepAliveMs?: number;
}
