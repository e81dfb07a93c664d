import type { Entitlements, Reservation, SettleDetails, Usage } from "../../entitlements/entitlements.js";

/** Settles or releases one budget reservation exactly once, whichever path a request ends on. */
export interface SettleGuard {
  /** Whether a budget hold is behind it (API keys on): only then is a request charged. */
  readonly metered: boolean;
  settle(usage: Usage, node: string | null, outcome: SettleDetails["outcome"]): void;
  release(node: string | null, outcome: SettleDetails["outcome"]): void;
  /**
   * Settles with usage still to be learned (the neuron's record of what it generated): the hold stays
   * until `usage` resolves; null (unknown) settles with `fallback`. Later settles and releases do nothing.
   */
  settleWhenKnown(
    usage: Promise<Usage | null>,
    fallback: Usage,
    node: string | null,
    outcome: SettleDetails["outcome"],
  ): void;
  /** What the hold would charge if nothing better is known: its prompt estimate, the rest as output. */
  reservedUsage(promptEstimate: number): Usage;
}

const NOOP: SettleGuard = {
  metered: false,
  settle() {},
  release() {},
  settleWhenKnown(usage) {
    usage.catch(() => {});
  },
  reservedUsage: (promptEstimate) => ({ promptTokens: promptEstimate, completionTokens: 0 }),
};

export function createSettleGuard(
  entitlements: Entitlements | undefined,
  reservation: Reservation | null,
  model: string,
  requestId?: string,
): SettleGuard {
  if (entitlements === undefined || reservation === null) return NOOP;
  let done = false;
  const details = (node: string | null, outcome: SettleDetails["outcome"]): SettleDetails => ({
    model,
    node,
    outcome,
    ...(requestId === undefined ? {} : { requestId }),
  });
  return {
    metered: true,
    settle(usage, node, outcome) {
      if (done) return;
      done = true;
      entitlements.settle(reservation, usage, details(node, outcome));
    },
    release(node, outcome) {
      if (done) return;
      done = true;
      entitlements.release(reservation, details(node, outcome));
    },
    settleWhenKnown(usage, fallback, node, outcome) {
      if (done) {
        usage.catch(() => {});
        return;
      }
      done = true;
      void usage
        .catch(() => null)
        .then((known) => entitlements.settle(reservation, known ?? fallback, details(node, outcome)));
    },
    reservedUsage(promptEstimate) {
      const prompt = Math.min(reservation.tokens, Math.max(0, Math.ceil(promptEstimate)));
      return { promptTokens: prompt, completionTokens: reservation.tokens - prompt };
    },
  };
}
