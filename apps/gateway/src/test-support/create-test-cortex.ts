import type { ModelsCatalogue } from "@helexa/core";
import { Registry } from "prom-client";
import { createMessagesRoutes, type MessagesRoutesOptions } from "../anthropic/messages-route.js";
import { type AppConfig, type CortexApp, createCortexApp } from "../app.js";
import type { Entitlements } from "../entitlements/entitlements.js";
import { createPoller, type Poller } from "../fleet/create-poller.js";
import { FleetState } from "../fleet/fleet-state.js";
import type { FetchFunction } from "../fleet/neuron-client.js";
import { silentLogger } from "../internal/logger.js";
import { serveOnProductionPath } from "./serve-on-production-path.js";

/** Defaults for tests: short timeouts, three attempts, quick keep-alives. */
export const TEST_APP_CONFIG: AppConfig = {
  maxAttempts: 3,
  upstreamIdleTimeoutMs: 10_000,
  upstreamResponseTimeoutMs: 10_000,
  coldLoadWaitMs: 10_000,
  unhealthyAfterFailures: 2,
  evictionStrategy: "lru",
  keepAliveAfterMs: 200,
  keepAliveIntervalMs: 100,
  maxBodyBytes: 1024 * 1024,
  coldLoadTimeoutMs: 10_000,
  controlTimeoutMs: 5_000,
  defragAfterCycles: 0,
};

export interface TestCortex extends CortexApp {
  fleet: FleetState;
  registry: Registry;
  poller: Poller;
  /**
   * A JSON `POST` through a real HTTP server in front of the app, as `cortex serve` runs it (the Node
   * adapter first, then the app), so tests take the path production clients take.
   */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  metricsText(): Promise<string>;
}

/** A cortex app over real HTTP neurons (fake or real), polled once before it is returned. */
export async function createTestCortex(options: {
  neurons: Array<{ name: string; url: string; authToken?: string }>;
  catalogue?: Partial<ModelsCatalogue>;
  entitlements?: Entitlements;
  config?: Partial<AppConfig>;
  fetch?: FetchFunction;
  poll?: boolean;
  /** The app's wall clock (ms); default `Date.now`. */
  now?: () => number;
  /** Mount the Anthropic routes as `cortex serve` does (with these options, if an object). */
  anthropic?: boolean | Omit<MessagesRoutesOptions, "dispatch">;
}): Promise<TestCortex> {
  const catalogue: ModelsCatalogue = { models: [], aliases: {}, ...options.catalogue };
  const fleet = new FleetState(
    options.neurons.map((neuron) => ({
      name: neuron.name,
      endpoint: neuron.url,
      ...(neuron.authToken === undefined ? {} : { auth_token: neuron.authToken }),
    })),
    catalogue,
  );
  const fetch = options.fetch ?? globalThis.fetch;
  const poller = createPoller({
    fleet,
    fetch,
    logger: silentLogger,
    intervalMs: 60_000,
    timeoutMs: 10_000,
    unhealthyAfterFailures: options.config?.unhealthyAfterFailures ?? TEST_APP_CONFIG.unhealthyAfterFailures,
    now: Date.now,
  });
  const registry = new Registry();
  const anthropic =
    options.anthropic === true ? {} : options.anthropic === false ? undefined : options.anthropic;
  const cortex = createCortexApp({
    fleet,
    fetch,
    clock: { now: options.now ?? Date.now },
    registry,
    logger: silentLogger,
    entitlements: options.entitlements,
    config: { ...TEST_APP_CONFIG, ...options.config },
    refreshNode: (name) => poller.pollNode(name),
    ...(anthropic === undefined
      ? {}
      : { extraRoutes: [({ dispatch }) => createMessagesRoutes({ ...anthropic, dispatch })] }),
  });
  if (options.poll !== false) await poller.pollOnce();
  const served = serveOnProductionPath(cortex);
  return {
    ...cortex,
    fleet,
    registry,
    poller,
    post: async (path, body, headers = {}) =>
      served.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    metricsText: () => registry.metrics(),
  };
}
