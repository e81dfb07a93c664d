import type { CortexConfig } from "@helexa/core";
import type { AppConfig } from "../app.js";

/** SSE keep-alives for a stream waiting on a cold load: the first after this long… */
const KEEP_ALIVE_AFTER_MS = 1000;
/** …then every this long. */
const KEEP_ALIVE_INTERVAL_MS = 5000;

/** The app's settings from a parsed `cortex.toml` (its `[gateway]` and `[eviction]` tables). */
export function toAppConfig(config: CortexConfig): AppConfig {
  const gateway = config.gateway;
  return {
    maxAttempts: gateway.max_attempts,
    upstreamIdleTimeoutMs: gateway.upstream_idle_timeout_ms,
    upstreamResponseTimeoutMs: gateway.upstream_response_timeout_ms,
    coldLoadWaitMs: gateway.cold_load_wait_ms,
    unhealthyAfterFailures: gateway.unhealthy_after_failures,
    evictionStrategy: config.eviction.strategy,
    routing: { strategy: config.routing.strategy, loadFactor: config.routing.load_factor },
    keepAliveAfterMs: KEEP_ALIVE_AFTER_MS,
    keepAliveIntervalMs: KEEP_ALIVE_INTERVAL_MS,
    maxBodyBytes: gateway.max_body_bytes,
    coldLoadTimeoutMs: gateway.cold_load_timeout_ms,
    controlTimeoutMs: gateway.poll_timeout_ms * 4,
    defragAfterCycles: config.eviction.defrag_after_cycles,
    responsesRetentionHours: config.ledger.responses_retention_hours,
  };
}
