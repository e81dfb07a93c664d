import { existsSync } from "node:fs";
import { fetchRequestUsage } from "../dispatch/internal/finish-response.js";
import type { Usage } from "./entitlements.js";
import { openLedger } from "./ledger.js";

/** A neuron cortex can ask about a request: its endpoint and bearer token. */
export interface UsageSource {
  endpoint: string;
  authToken?: string | undefined;
}

/**
 * Before the ledger is opened for serving: asks every configured neuron what the requests behind holds a
 * previous run left (it died mid-request) generated, by the request id the hold kept. A neuron that
 * served one still knows (`GET /v1/requests/{id}/usage`) unless it restarted or has since served
 * thousands of requests. Returns request id → usage for those found; `createEntitlements` charges them
 * at that and the rest at the whole hold. Never throws; no ledger or no holds: an empty map.
 */
export async function lookUpLeftoverHolds(
  ledgerPath: string,
  neurons: readonly UsageSource[],
): Promise<Map<string, Usage>> {
  const found = new Map<string, Usage>();
  if (ledgerPath === ":memory:" || !existsSync(ledgerPath) || neurons.length === 0) return found;
  let requestIds: string[];
  try {
    const ledger = openLedger(ledgerPath);
    try {
      requestIds = ledger
        .leftoverHolds()
        .map((hold) => hold.requestId)
        .filter((id): id is string => id !== null);
    } finally {
      ledger.close();
    }
  } catch {
    return found;
  }
  await Promise.all(
    requestIds.flatMap((requestId) =>
      neurons.map(async (neuron) => {
        const answer = await fetchRequestUsage(neuron.endpoint, neuron.authToken, requestId, undefined, 1);
        if (answer?.state === "finished") found.set(requestId, answer.usage);
      }),
    ),
  );
  return found;
}
