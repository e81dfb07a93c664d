import type { ModelCost } from "@helexa/core";
import type { Usage } from "./entitlements.js";

/**
 * USD for one request from the catalogue's `cost` (USD per 1M tokens): prompt at `input`, completion at
 * `output`. A model without prices costs 0.
 */
export function computeCost(cost: ModelCost | undefined, usage: Usage): number {
  if (cost === undefined) return 0;
  return (usage.promptTokens * cost.input + usage.completionTokens * cost.output) / 1_000_000;
}
