import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { HelexaError, renderAnthropicError, renderOpenAiError } from "@helexa/core";
import Database from "better-sqlite3";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import { createEntitlementMetrics } from "./entitlement-metrics.js";
import { createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";
import { createUsageRoutes } from "./usage-route.js";

const temps: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

const SECRETS = [
  "sk-live-7f3a9c-balance",
  "sk-live-0b1d2e-rolling",
  "sk-hashed-only-5e6f",
  "sk-wrong-guess-9a8b",
] as const;
const HASHED = createHash("sha256").update("sk-hashed-only-5e6f").digest("hex");

describe("secrets never leave the entitlements", () => {
  it("no key appears in logs, metrics, error bodies, usage bodies or the ledger file", async () => {
    const temp = createTempDir();
    temps.push(temp);
    let logged = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    const registry = new Registry();
    const entitlements = createEntitlements({
      config: entitlementsConfig({
        require_auth: true,
        keys: [
          { key: SECRETS[0], account_id: "acct-a", key_id: "bal", hard_cap: 100 },
          {
            key: SECRETS[1],
            account_id: "acct-b",
            key_id: "roll",
            hard_cap: 100,
            window: { kind: "rolling", seconds: 60 },
          },
          { key_sha256: HASHED, account_id: "acct-c", key_id: "bal", hard_cap: 50 },
        ],
      }),
      ledgerPath: temp.ledgerPath,
      logger,
      metrics: createEntitlementMetrics(registry),
    });
    const errors: HelexaError[] = [];
    const attempt = (run: () => unknown) => {
      try {
        return run();
      } catch (error) {
        if (!HelexaError.is(error)) throw error;
        errors.push(error);
        return null;
      }
    };
    const ok = { model: "m", node: "n", outcome: "ok" as const };

    const bal = entitlements.authenticate(new Headers({ authorization: `Bearer ${SECRETS[0]}` }));
    const roll = entitlements.authenticate(new Headers({ "x-api-key": SECRETS[1] }));
    const hashed = entitlements.authenticate(new Headers({ authorization: `Bearer ${SECRETS[2]}` }));
    if (bal === null || roll === null || hashed === null) throw new Error("expected identities");
    attempt(() => entitlements.authenticate(new Headers({ authorization: `Bearer ${SECRETS[3]}` })));
    attempt(() => entitlements.authenticate(new Headers({ "x-api-key": SECRETS[3] })));
    attempt(() => entitlements.authenticate(new Headers()));
    entitlements.settle(entitlements.reserve(bal, 40), { promptTokens: 30, completionTokens: 10 }, ok);
    entitlements.release(entitlements.reserve(hashed, 5), { ...ok, outcome: "error" });
    attempt(() => entitlements.reserve(bal, 20));
    attempt(() => entitlements.reserve(roll, 500));
    entitlements.settle(entitlements.reserve(roll, 90), { promptTokens: 90, completionTokens: 0 }, ok);
    attempt(() => entitlements.reserve(roll, 20));

    // A failing ledger write is logged with the row's details (never a key) and still enforced.
    const saboteur = new Database(temp.ledgerPath);
    saboteur.exec(
      "CREATE TRIGGER boom BEFORE INSERT ON requests BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    saboteur.close();
    entitlements.settle(entitlements.reserve(bal, 10), { promptTokens: 10, completionTokens: 0 }, ok);
    expect(entitlements.usageFor(bal).spent).toBe(50);
    expect(logged).toContain("could not write usage row");

    const usageApp = createUsageRoutes({ entitlements });
    const usageBody = await (
      await usageApp.request("/v1/usage", { headers: { authorization: `Bearer ${SECRETS[0]}` } })
    ).text();
    const metricsText = await registry.metrics();
    entitlements.dispose();

    expect(errors.map((error) => error.code)).toEqual([
      "invalid_api_key",
      "invalid_api_key",
      "invalid_api_key",
      "insufficient_quota",
      "insufficient_quota",
      "rate_limit_exceeded",
    ]);
    const bodies = errors.flatMap((error) => [
      JSON.stringify(renderOpenAiError(error)),
      JSON.stringify(renderAnthropicError(error)),
      error.message,
      String(error.stack),
    ]);
    const ledgerBytes = readdirSync(temp.dir)
      .map((name) => readFileSync(join(temp.dir, name)).toString("latin1"))
      .join("");
    expect(logged).toContain("refused an unknown API key");
    expect(metricsText).toContain(
      'cortex_key_tokens_total{key_id="bal",account_id="acct-a",kind="prompt"} 40',
    );
    expect(metricsText).toContain('cortex_auth_failures_total{reason="unknown_key",source="x-api-key"} 1');
    expect(metricsText).toContain(
      'cortex_budget_rejections_total{key_id="roll",account_id="acct-b",reason="rate_limited"} 1',
    );
    expect(metricsText).toContain("cortex_ledger_write_errors_total 1");
    expect(metricsText).toContain('cortex_budget_spent_tokens{key_id="bal"} 50');
    for (const secret of [...SECRETS, HASHED]) {
      expect(logged).not.toContain(secret);
      expect(metricsText).not.toContain(secret);
      expect(usageBody).not.toContain(secret);
      expect(ledgerBytes).not.toContain(secret);
      for (const body of bodies) expect(body).not.toContain(secret);
    }
  });
});
