import type { AddressInfo } from "node:net";
import { type BuildInfo, createClientErrorListener, cudaUnavailable } from "@helexa/core";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { type Logger, pino } from "pino";
import { Registry } from "prom-client";
import { createApp } from "./app.js";
import type { ResolvedNeuronConfig } from "./config/resolved-neuron-config.js";
import { describeDiscovery } from "./discovery/describe-discovery.js";
import { DeviceHealthPoller } from "./discovery/device-health-poller.js";
import { discoverHost, type HostInventory } from "./discovery/discover-host.js";
import { createBuildInfo } from "./internal/create-build-info.js";
import { resolveWorkerEntry } from "./internal/resolve-worker-entry.js";
import { createNeuronMetrics } from "./metrics/neuron-metrics.js";
import { ActivationTracker } from "./supervisor/activation-tracker.js";
import { createForkWorkerFactory } from "./supervisor/fork-worker-backend.js";
import type { BackendFactory } from "./supervisor/model-backend.js";
import { ModelRegistry } from "./supervisor/model-registry.js";
import { type BackendProbe, probeBackend } from "./supervisor/probe-backend.js";
import { createRequestUsageBook } from "./supervisor/request-usage-book.js";

export interface StartNeuronOptions {
  config: ResolvedNeuronConfig;
  /** Overrides `config.port` (0 = ephemeral). */
  port?: number;
  /** Overrides `config.host`. */
  host?: string;
  logger?: Logger;
  metricsRegistry?: Registry;
  /** Built worker entry; default `dist/engine/worker-main.js` of this package. */
  workerEntry?: string;
  /** Node flags for each model worker (`NEURON_WORKER_EXEC_ARGV`, e.g. `--cpu-prof`). */
  workerExecArgv?: readonly string[];
  /** Replaces forked workers (unit tests of HTTP shape and queueing). */
  factory?: BackendFactory;
  /** Skips the nvidia-smi / nvcc shell-outs. */
  inventory?: HostInventory;
  /** Ask a worker which backend this host gets (default true). */
  probe?: boolean;
  buildInfo?: BuildInfo;
  keepAliveMs?: number;
}

export interface RunningNeuron {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  app: Hono;
  registry: ModelRegistry;
  /** Settles when every `preload` model has loaded or failed. */
  preloaded: Promise<void>;
  /** Drain: stop admitting, let running requests finish (bounded), end the workers, close the server. */
  close(): Promise<void>;
}

/** Starts a neuron in this process: supervisor, HTTP server, then the preloads (after the listener is up). */
export async function startNeuron(options: StartNeuronOptions): Promise<RunningNeuron> {
  const config = options.config;
  const logger = options.logger ?? pino({ level: "silent" });
  const metricsRegistry = options.metricsRegistry ?? new Registry();
  const metrics = createNeuronMetrics(metricsRegistry);
  const workerEntry = options.workerEntry ?? resolveWorkerEntry();
  const inventory = options.inventory ?? (await discoverHost());
  if (inventory.cudaUnavailableReason !== undefined)
    logger.error({ reason: inventory.cudaUnavailableReason }, "CUDA UNAVAILABLE on this host");
  const baseFactory =
    options.factory ??
    createForkWorkerFactory({
      entry: workerEntry,
      logger,
      ...(options.workerExecArgv === undefined ? {} : { execArgv: options.workerExecArgv }),
    });
  const factory: BackendFactory = (spec, onProgress) => {
    if (inventory.cudaUnavailableReason !== undefined && config.gpu === "cuda") {
      throw cudaUnavailable(inventory.cudaUnavailableReason);
    }
    return baseFactory(spec, onProgress).catch((error: unknown) => {
      metrics.modelLoadFailed(spec.modelId);
      throw error;
    });
  };
  const registry = new ModelRegistry({ config, factory, logger, observer: metrics });
  metrics.readGauges(() =>
    registry.entries().map((entry) => ({
      model: entry.id,
      inFlight: entry.admission.inFlight,
      queueDepth: entry.admission.queueDepth,
      loaded: entry.status === "loaded",
    })),
  );
  const preloads = config.models.filter((model) => model.preload).map((model) => model.id);
  const activation = new ActivationTracker(preloads);
  const buildInfo = options.buildInfo ?? createBuildInfo();
  let probe: BackendProbe | null = null;
  const poller = new DeviceHealthPoller();
  if (inventory.devices.length > 0) poller.start(5_000);
  const host = options.host ?? config.host;
  let port = options.port ?? config.port;
  const app = createApp({
    config,
    registry,
    requestUsage: createRequestUsageBook(),
    activation,
    buildInfo,
    discovery: () => describeDiscovery(inventory, config, registry, probe),
    devices: () => poller.latest,
    publicUrl: () => `http://${publicHost(host)}:${port}`,
    metrics,
    metricsRegistry,
    logger,
    startedAt: Date.now(),
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(created));
    created.once("error", reject);
    // Malformed HTTP, headers too large, a request not received in time: an OpenAI error, not a bare status line.
    created.on("clientError", createClientErrorListener());
  });
  port = (server.address() as AddressInfo).port;
  if (options.probe !== false && config.gpu !== "cpu") {
    void probeBackend(workerEntry, config.gpu).then((result) => {
      probe = result;
      if (result !== null) buildInfo.llama_cpp_release = result.llamaCppRelease;
    });
  }
  const preloaded = (async () => {
    for (const id of preloads) {
      activation.start(id);
      try {
        await registry.load({ model_id: id });
        activation.complete(id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.error(
          { event: "preload_failed", model: id, reason: message },
          `preload of ${id} failed: ${message}`,
        );
        activation.fail(id, message);
      }
    }
  })();
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    registry,
    preloaded,
    close() {
      closing ??= (async () => {
        await registry.drain(config.drain_timeout_secs * 1000);
        poller.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ("closeAllConnections" in server) server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function publicHost(host: string): string {
  return host === "0.0.0.0" || host === "::" || host === ""
    ? "localhost"
    : host.includes(":")
      ? `[${host}]`
      : host;
}
