// Child process for the SIGKILL test: settles requests through the real entitlements code as fast as it
// can, and writes each request id to stdout only after `settle` has returned. The parent kills it with
// SIGKILL at an arbitrary point. Arguments: <compiled entitlements folder> <ledger path> <first index>.
import { writeSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [moduleDir, ledgerPath, firstIndex] = process.argv.slice(2);
const { createEntitlements } = await import(pathToFileURL(join(moduleDir, "create-entitlements.js")).href);

const config = {
  require_auth: false,
  keys: [
    { key: "sk-child-a", account_id: "acct-a", key_id: "key-a", window: { kind: "balance" } },
    { key: "sk-child-b", account_id: "acct-b", key_id: "key-b", window: { kind: "rolling", seconds: 3600 } },
  ],
};
const entitlements = createEntitlements({
  config,
  ledgerPath,
  costFor: (_model, usage) => usage.promptTokens / 1e6,
});
const identities = [{ keyId: "key-a", accountId: "acct-a" }, { keyId: "key-b", accountId: "acct-b" }, null];

for (let index = Number(firstIndex); ; index += 1) {
  // A few requests in flight at once, finished out of order, as under real load.
  const batch = [0, 1, 2].map((offset) => ({
    requestId: `req-${index}-${offset}`,
    reservation: entitlements.reserve(identities[(index + offset) % 3], 50),
    offset,
  }));
  for (const { requestId, reservation, offset } of batch.reverse()) {
    const details = { model: offset === 1 ? "model-x" : "model-y", node: "node-1", outcome: "ok", requestId };
    if ((index + offset) % 5 === 0) {
      entitlements.release(reservation, { ...details, outcome: "aborted" });
    } else {
      entitlements.settle(
        reservation,
        { promptTokens: (index % 7) + 1, completionTokens: offset + 1 },
        details,
      );
    }
    writeSync(1, `${requestId}\n`);
  }
}
