import { HelexaError, renderOpenAiError } from "@helexa/core";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import type { EntitlementsWithUsage as Entitlements } from "./entitlements.js";
import { keyUsageSchema } from "./key-usage.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";
import { createUsageRoutes } from "./usage-route.js";

const temps: Array<{ cleanup: () => void }> = [];
const opened: Entitlements[] = [];
afterEach(async () => {
  for (const entitlements of opened.splice(0)) await entitlements.dispose();
  for (const temp of temps.splice(0)) temp.cleanup();
});

function setup() {
  const temp = createTempDir();
  temps.push(temp);
  const clock = createManualClock();
  const entitlements = createEntitlements({
    config: entitlementsConfig({
      keys: [
        {
          key: "sk-roll",
          account_id: "acct-1",
          key_id: "roll",
          hard_cap: 1000,
          window: { kind: "rolling", seconds: 60 },
        },
        { key: "sk-free", account_id: "acct-2" },
      ],
    }),
    ledgerPath: temp.ledgerPath,
    clock: clock.now,
  });
  opened.push(entitlements);
  // A minimal app like the gateway's: one onError rendering HelexaError envelopes.
  const app = new Hono().route("/", createUsageRoutes({ entitlements }));
  app.onError((error, c) => {
    const rendered = renderOpenAiError(
      HelexaError.is(error)
        ? error
        : new HelexaError({ statusCode: 500, type: "api_error", code: null, message: "internal" }),
    );
    return c.json(rendered.body, rendered.status as 401, rendered.headers);
  });
  return { app, entitlements, clock };
}

describe("GET /v1/usage", () => {
  it("returns the caller's own allocation, with holds and window times", async () => {
    const { app, entitlements, clock } = setup();
    const identity = { keyId: "roll", accountId: "acct-1" };
    entitlements.settle(
      entitlements.reserve(identity, 300),
      { promptTokens: 200, completionTokens: 50 },
      {
        model: "m",
        node: "n",
        outcome: "ok",
      },
    );
    entitlements.reserve(identity, 100);
    clock.advance(15_000);
    const response = await app.request("/v1/usage", { headers: { authorization: "Bearer sk-roll" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = keyUsageSchema.parse(await response.json());
    expect(body).toEqual({
      object: "usage",
      key_id: "roll",
      account_id: "acct-1",
      hard_cap: 1000,
      spent: 250,
      reserved: 100,
      remaining: 650,
      window: {
        kind: "rolling",
        seconds: 60,
        next_free_at: new Date(clock.now() + 45_000).toISOString(),
        resets_at: new Date(clock.now() + 45_000).toISOString(),
      },
    });
  });

  it("reads x-api-key too, and shows an uncapped key with null cap and remaining", async () => {
    const { app } = setup();
    const response = await app.request("/v1/usage", { headers: { "x-api-key": "sk-free" } });
    expect(await response.json()).toEqual({
      object: "usage",
      key_id: "acct-2",
      account_id: "acct-2",
      hard_cap: null,
      spent: 0,
      reserved: 0,
      remaining: null,
      window: { kind: "balance" },
    });
  });

  it("answers an anonymous caller with a 401 envelope", async () => {
    const { app } = setup();
    const response = await app.request("/v1/usage");
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_api_key");
    expect(body.error.message).toMatch(/GET \/v1\/usage/);
  });

  it("answers a wrong key with 401 and never echoes it", async () => {
    const { app } = setup();
    const response = await app.request("/v1/usage", {
      headers: { authorization: "Bearer sk-guessed-secret" },
    });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).toContain("invalid_api_key");
    expect(text).not.toContain("sk-guessed-secret");
  });
});
