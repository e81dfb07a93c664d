import type { Entitlements, EntitlementsWithUsage } from "../entitlements/entitlements.js";
import type { KeyUsage } from "../entitlements/key-usage.js";
import type { DashboardAccess } from "./dashboard-access.js";

function hasUsage(entitlements: Entitlements): entitlements is EntitlementsWithUsage {
  return typeof (entitlements as Partial<EntitlementsWithUsage>).usageFor === "function";
}

/**
 * The usage table's rows: every configured key for an admin, the caller's own key for a user, none for an
 * anonymous caller; null when cortex runs without keys.
 */
export async function readKeyUsage(
  entitlements: Entitlements | undefined,
  access: DashboardAccess,
): Promise<KeyUsage[] | null> {
  if (entitlements === undefined || !hasUsage(entitlements)) return null;
  const identities = access.admin
    ? (entitlements.identities?.() ?? [])
    : access.identity === null
      ? []
      : [access.identity];
  return Promise.all(identities.map((identity) => entitlements.usageFor(identity)));
}
