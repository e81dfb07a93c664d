import type { Entitlements, Reservation, SettleDetails, Usage } from "../../entitlements/entitlements.js";

/** Settles or releases one budget reservation exactly once, whichever path a request ends on. */
export interface SettleGuard {
  settle(usage: Usage, node: string | null, outcome: SettleDetails["outcome"]): void;
  release(node: string | null, outcome: SettleDetails["outcome"]): void;
}

const NOOP: SettleGuard = { settle() {}, release() {} };

export function createSettleGuard(
  entitlements: Entitlements | undefined,
  reservation: Reservation | null,
  model: string,
): SettleGuard {
  if (entitlements === undefined || reservation === null) return NOOP;
  let done = false;
  return {
    settle(usage, node, outcome) {
      if (done) return;
      done = true;
      entitlements.settle(reservation, usage, { model, node, outcome });
    },
    release(node, outcome) {
      if (done) return;
      done = true;
      entitlements.release(reservation, { model, node, outcome });
    },
  };
}
