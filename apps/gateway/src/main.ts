import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { pino } from "pino";
import { Registry } from "prom-client";
import { type AppConfig, type AppDeps, createCortexApp } from "./app.js";
import { type LoadedCortexConfig, loadCortexConfig } from "./config/load-cortex-config.js";
import { listenUrl, parseListenAddress } from "./config/parse-listen-address.js";
import type { Entitlements } from "./entitlements/entitlements.js";
import { createPoller } from "./fleet/create-poller.js";
import { FleetState } from "./fleet/fleet-state.js";
import type { Logger } from "./internal/logger.js";

/** Builds the entitlements provider from the loaded config (keys, budgets, ledger). */
export type EntitlementsFactory = (loaded: LoadedCortexConfig, logger: Logger) => Entitlements | undefined;

export interface ServeOptions {
  configPath: string;
  env: Record<string, string | undefined>;
  /** When absent, cortex runs without keys; it refuses to start if the config asks for them. */
  createEntitlements?: EntitlementsFactory;
  /** More sub-apps on the same dispatch (the Anthropic routes). */
  extraRoutes?: AppDeps["extraRoutes"];
}

/** A running cortex: its URLs and an orderly stop. */
export interface RunningCortex {
  url: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

/** How long SIGTERM waits for open responses (streams) before closing them. */
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * `cortex serve`: the only place that reads config and the environment. Loads `cortex.toml`, builds the
 * fleet, starts the poller, the metrics listener and the API listener, then logs one
 * `{"event":"listening","url":…,"metrics_url":…}` line.
 */
export async function startCortex(options: ServeOptions): Promise<RunningCortex> {
  const loaded = await loadCortexConfig(options.configPath, options.env);
  const { config } = loaded;
  const logger: Logger = pino({ level: options.env.CORTEX_LOG_LEVEL ?? "info" });
  const entitlements = options.createEntitlements?.(loaded, logger);
  if (
    entitlements === undefined &&
    (config.entitlements.require_auth || config.entitlements.keys.length > 0)
  ) {
    throw new Error(
      `${loaded.configPath}: [entitlements] is configured but this build has no entitlements provider; refusing to start open`,
    );
  }
  const fleet = new FleetState(config.neurons, loaded.catalogue);
  const gateway = config.gateway;
  const poller = createPoller({
    fleet,
    fetch: globalThis.fetch,
    logger,
    intervalMs: gateway.poll_interval_ms,
    timeoutMs: gateway.poll_timeout_ms,
    unhealthyAfterFailures: gateway.unhealthy_after_failures,
    now: Date.now,
  });
  const appConfig: AppConfig = {
    maxAttempts: gateway.max_attempts,
    upstreamIdleTimeoutMs: gateway.upstream_idle_timeout_ms,
    upstreamResponseTimeoutMs: gateway.upstream_response_timeout_ms,
    coldLoadWaitMs: gateway.cold_load_wait_ms,
    unhealthyAfterFailures: gateway.unhealthy_after_failures,
    evictionStrategy: config.eviction.strategy,
    keepAliveAfterMs: 1000,
    keepAliveIntervalMs: 5000,
    maxBodyBytes: gateway.max_body_bytes,
    coldLoadTimeoutMs: gateway.cold_load_timeout_ms,
    controlTimeoutMs: gateway.poll_timeout_ms * 4,
    defragAfterCycles: config.eviction.defrag_after_cycles,
  };
  const registry = new Registry();
  const { app } = createCortexApp({
    fleet,
    fetch: globalThis.fetch,
    clock: { now: Date.now },
    registry,
    logger,
    entitlements,
    config: appConfig,
    refreshNode: (name) => poller.pollNode(name),
    extraRoutes: options.extraRoutes,
  });

  const metricsAddress = parseListenAddress(gateway.metrics_listen);
  const metricsServer = createServer((request, response) => {
    if (request.method !== "GET" || !(request.url === "/metrics" || request.url === "/")) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  const metricsPort = await listen(metricsServer, metricsAddress.hostname, metricsAddress.port);

  const apiAddress = parseListenAddress(gateway.listen);
  const apiServer = await new Promise<Server>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: apiAddress.hostname, port: apiAddress.port }, () =>
      resolve(server as Server),
    ) as Server;
    server.once("error", reject);
  });
  const apiPort = (apiServer.address() as AddressInfo).port;
  poller.start();

  const url = listenUrl(apiAddress.hostname, apiPort);
  const metricsUrl = `${listenUrl(metricsAddress.hostname, metricsPort)}/metrics`;
  logger.info(
    {
      event: "listening",
      url,
      metrics_url: metricsUrl,
      neurons: fleet.nodes.length,
      models: loaded.catalogue.models.length,
    },
    "cortex listening",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info({ event: "stopping" }, "cortex stopping");
      poller.stop();
      const drained = closeServer(apiServer);
      const timer = setTimeout(() => apiServer.closeAllConnections(), DRAIN_TIMEOUT_MS);
      timer.unref();
      await drained;
      clearTimeout(timer);
      await closeServer(metricsServer);
      entitlements?.dispose();
      logger.info({ event: "stopped" }, "cortex stopped");
    })();
    return stopping;
  };
  return { url, metricsUrl, stop };
}

function listen(server: Server, hostname: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
