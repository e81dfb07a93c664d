import { createHash } from "node:crypto";
import { HelexaError } from "@helexa/core";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import type { EntitlementsWithUsage as Entitlements } from "./entitlements.js";
import { bearer, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

const temps: Array<{ cleanup: () => void }> = [];
const opened: Entitlements[] = [];
afterEach(async () => {
  for (const entitlements of opened.splice(0)) await entitlements.dispose();
  for (const temp of temps.splice(0)) temp.cleanup();
});

function setup(input: unknown): Entitlements {
  const temp = createTempDir();
  temps.push(temp);
  const entitlements = createEntitlements({ config: entitlementsConfig(input), ledgerPath: temp.ledgerPath });
  opened.push(entitlements);
  return entitlements;
}

function authError(run: () => unknown): HelexaError {
  try {
    run();
  } catch (error) {
    if (HelexaError.is(error)) return error;
    throw error;
  }
  throw new Error("expected authenticate to throw");
}

const oneKey = { keys: [{ key: "sk-good", account_id: "acct-1", key_id: "key-1" }] };

describe("authenticate", () => {
  it("missing key when required is 401 invalid_api_key", () => {
    const entitlements = setup({ ...oneKey, require_auth: true });
    const error = authError(() => entitlements.authenticate(new Headers()));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).toMatch(/missing API key/);
  });

  it("invalid key is 401 even when auth is not required", () => {
    const entitlements = setup(oneKey);
    const error = authError(() => entitlements.authenticate(bearer("sk-wrong")));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("invalid_api_key");
    expect(error.message).not.toContain("sk-wrong");
  });

  it("a valid key resolves to its account and key ids", () => {
    const entitlements = setup(oneKey);
    expect(entitlements.authenticate(bearer("sk-good"))).toEqual({ keyId: "key-1", accountId: "acct-1" });
  });

  it("an admin key's identity carries role admin; a user key's carries none; identities() lists both", () => {
    const entitlements = setup({
      keys: [
        { key: "sk-admin", account_id: "ops", key_id: "ops-admin", role: "admin" },
        { key: "sk-user", account_id: "acct-1", key_id: "key-1", role: "user" },
      ],
    });
    expect(entitlements.authenticate(bearer("sk-admin"))).toEqual({
      keyId: "ops-admin",
      accountId: "ops",
      role: "admin",
    });
    expect(entitlements.authenticate(bearer("sk-user"))).toEqual({ keyId: "key-1", accountId: "acct-1" });
    expect(entitlements.identities?.().map((identity) => identity.keyId)).toEqual(["ops-admin", "key-1"]);
  });

  it("anonymous callers are allowed when auth is not required", () => {
    expect(setup(oneKey).authenticate(new Headers())).toBeNull();
    expect(setup({}).authenticate(new Headers())).toBeNull();
  });

  it("reads x-api-key (Anthropic SDKs) as well as Authorization: Bearer", () => {
    const entitlements = setup(oneKey);
    expect(entitlements.authenticate(new Headers({ "x-api-key": "sk-good" }))?.keyId).toBe("key-1");
    expect(() => entitlements.authenticate(new Headers({ "x-api-key": "sk-bad" }))).toThrow(HelexaError);
  });

  it("the bearer scheme is case-insensitive and the token is trimmed", () => {
    const entitlements = setup(oneKey);
    expect(entitlements.authenticate(new Headers({ authorization: "bEaReR   sk-good  " }))?.keyId).toBe(
      "key-1",
    );
  });

  it("a bearer token wins over x-api-key: a wrong bearer is refused beside a right x-api-key", () => {
    const entitlements = setup(oneKey);
    const headers = new Headers({ authorization: "Bearer sk-bad", "x-api-key": "sk-good" });
    expect(authError(() => entitlements.authenticate(headers)).statusCode).toBe(401);
  });

  it("another scheme or an empty bearer counts as no key", () => {
    const entitlements = setup({ ...oneKey, require_auth: true });
    for (const authorization of ["Basic c2stZ29vZA==", "Bearer   ", "Bearer", "sk-good"]) {
      const error = authError(() => entitlements.authenticate(new Headers({ authorization })));
      expect(error.message).toMatch(/missing API key/);
    }
    expect(setup(oneKey).authenticate(new Headers({ authorization: "Basic c2stZ29vZA==" }))).toBeNull();
  });

  it("accepts a key configured only by its key_sha256", () => {
    const hash = createHash("sha256").update("sk-hashed").digest("hex");
    const entitlements = setup({ keys: [{ key_sha256: hash.toUpperCase(), account_id: "acct-h" }] });
    expect(entitlements.authenticate(bearer("sk-hashed"))).toEqual({ keyId: "acct-h", accountId: "acct-h" });
    expect(() => entitlements.authenticate(bearer(hash))).toThrow(HelexaError);
  });

  it("key_id defaults to account_id", () => {
    const entitlements = setup({ keys: [{ key: "sk-a", account_id: "acct-a" }] });
    expect(entitlements.authenticate(bearer("sk-a"))).toEqual({ keyId: "acct-a", accountId: "acct-a" });
  });

  it("with no keys configured, a presented key is ignored (anonymous), unless auth is required", () => {
    expect(setup({}).authenticate(bearer("sk-anything"))).toBeNull();
    const error = authError(() => setup({ require_auth: true }).authenticate(bearer("sk-anything")));
    expect(error.code).toBe("invalid_api_key");
  });

  it("returns a copy, so a caller cannot change the key table", () => {
    const entitlements = setup(oneKey);
    const identity = entitlements.authenticate(bearer("sk-good"));
    if (identity === null) throw new Error("expected an identity");
    identity.keyId = "mutated";
    expect(entitlements.authenticate(bearer("sk-good"))?.keyId).toBe("key-1");
  });
});
