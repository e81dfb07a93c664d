import { type CortexConfig, invalidApiKey } from "@helexa/core";
import type { ClientHeaders } from "../../internal/client-headers.js";
import type { Logger } from "../../internal/logger.js";
import type { EntitlementMetrics } from "../entitlement-metrics.js";
import type { Identity } from "../entitlements.js";
import type { KeyTable } from "./key-table.js";
import { readApiKey } from "./read-api-key.js";

/**
 * `authenticate` for both ledgers: with no keys configured, presented keys are ignored and every caller
 * is anonymous; with keys, an unknown key is a 401 even when `require_auth` is off.
 */
export function createAuthenticator(
  config: CortexConfig["entitlements"],
  keys: KeyTable,
  logger: Logger,
  metrics: EntitlementMetrics | undefined,
): (headers: ClientHeaders) => Identity | null {
  return (headers) => {
    const presented = readApiKey(headers);
    if (presented === null) {
      if (!config.require_auth) return null;
      metrics?.authFailures.inc({ reason: "missing_key", source: "none" });
      throw invalidApiKey("missing API key; send 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
    }
    if (config.keys.length === 0 && !config.require_auth) return null;
    const identity = keys.lookup(presented.secret);
    if (identity === null) {
      metrics?.authFailures.inc({ reason: "unknown_key", source: presented.source });
      logger.info({ source: presented.source }, "refused an unknown API key");
      throw invalidApiKey("invalid API key");
    }
    return { ...identity };
  };
}
