import { describe, expect, it } from "vitest";
import { cortexConfigSchema } from "./cortex-config.js";
import { parseConfig } from "./parse-config.js";

/** The example `cortex.toml` of the configuration reference, as smol-toml parses it. */
const EXAMPLE = {
  gateway: { listen: "0.0.0.0:31313", metrics_listen: "0.0.0.0:31314" },
  eviction: { strategy: "lru", defrag_after_cycles: 50 },
  neurons: [
    { name: "beast", endpoint: "http://beast.internal:13131" },
    { name: "benjy", endpoint: "http://benjy.internal:13131" },
  ],
  entitlements: {
    require_auth: false,
    keys: [
      {
        key: "sk-example-rolling",
        account_id: "team-research",
        key_id: "research-ci",
        hard_cap: 5_000_000,
        window: { kind: "rolling", seconds: 3600 },
      },
      {
        key: "sk-example-balance",
        account_id: "team-research",
        key_id: "research-prepaid",
        hard_cap: 20_000_000,
        window: { kind: "balance" },
      },
      { key: "sk-example-infra", account_id: "operator", key_id: "infra" },
    ],
  },
};

describe("cortexConfigSchema", () => {
  it("loads the reference example as written", () => {
    const result = parseConfig(cortexConfigSchema, EXAMPLE, "cortex.toml");
    if (!result.ok) throw new Error(result.error);
    expect(result.config.neurons.map((neuron) => neuron.name)).toEqual(["beast", "benjy"]);
    expect(result.config.eviction).toEqual({ strategy: "lru", defrag_after_cycles: 50 });
    const [rolling, balance, infra] = result.config.entitlements.keys;
    expect(rolling?.window).toEqual({ kind: "rolling", seconds: 3600 });
    expect(balance?.hard_cap).toBe(20_000_000);
    expect(infra?.hard_cap).toBeUndefined();
    expect(infra?.window).toEqual({ kind: "balance" });
  });

  it("fills every default from the minimal config", () => {
    const minimal = {
      gateway: { listen: "127.0.0.1:31313", metrics_listen: "127.0.0.1:31314" },
      neurons: [{ name: "a", endpoint: "http://127.0.0.1:13131" }],
    };
    const result = parseConfig(cortexConfigSchema, minimal, "cortex.toml");
    if (!result.ok) throw new Error(result.error);
    expect(result.config.gateway).toMatchObject({
      poll_interval_ms: 2000,
      poll_timeout_ms: 5000,
      max_attempts: 3,
    });
    expect(result.config.eviction).toEqual({ strategy: "lru", defrag_after_cycles: 0 });
    expect(result.config.routing).toEqual({ strategy: "cache_aware", load_factor: 1.25 });
    expect(result.config.entitlements).toEqual({ require_auth: false, keys: [] });
    expect(result.config.models_config).toBeUndefined();
  });

  it("takes [routing] strategy and refuses an unknown one, naming the key", () => {
    const gateway = { listen: "127.0.0.1:1", metrics_listen: "127.0.0.1:2" };
    const parsed = parseConfig(
      cortexConfigSchema,
      { gateway, routing: { strategy: "least_busy" } },
      "cortex.toml",
    );
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.config.routing).toEqual({ strategy: "least_busy", load_factor: 1.25 });
    const wrong = parseConfig(
      cortexConfigSchema,
      { gateway, routing: { strategy: "round_robin" } },
      "cortex.toml",
    );
    expect(wrong.ok === false && wrong.error).toContain("routing.strategy");
    const low = parseConfig(cortexConfigSchema, { gateway, routing: { load_factor: 0.5 } }, "cortex.toml");
    expect(low.ok === false && low.error).toContain("routing.load_factor");
  });

  it("accepts a key given only as its SHA-256, and refuses both or neither", () => {
    const gateway = { listen: "127.0.0.1:1", metrics_listen: "127.0.0.1:2" };
    const sha = "a".repeat(64);
    const keys = (entry: object) => ({ gateway, entitlements: { keys: [{ account_id: "x", ...entry }] } });
    expect(parseConfig(cortexConfigSchema, keys({ key_sha256: sha }), "cortex.toml").ok).toBe(true);
    const both = parseConfig(cortexConfigSchema, keys({ key: "k", key_sha256: sha }), "cortex.toml");
    const neither = parseConfig(cortexConfigSchema, keys({}), "cortex.toml");
    expect(!both.ok && both.issues).toEqual([
      "cortex.toml: entitlements.keys[0].key: expected exactly one of `key` or `key_sha256`",
    ]);
    expect(neither.ok).toBe(false);
  });

  it("reads a key's role: user by default, admin when asked, and refuses anything else", () => {
    const gateway = { listen: "127.0.0.1:1", metrics_listen: "127.0.0.1:2" };
    const keys = (entry: object) => ({
      gateway,
      entitlements: { keys: [{ account_id: "x", key: "k", ...entry }] },
    });
    const plain = parseConfig(cortexConfigSchema, keys({}), "cortex.toml");
    const admin = parseConfig(cortexConfigSchema, keys({ role: "admin" }), "cortex.toml");
    const wrong = parseConfig(cortexConfigSchema, keys({ role: "root" }), "cortex.toml");
    expect(plain.ok && plain.config.entitlements.keys[0]?.role).toBe("user");
    expect(admin.ok && admin.config.entitlements.keys[0]?.role).toBe("admin");
    expect(!wrong.ok && wrong.issues[0]).toMatch(/entitlements\.keys\[0\]\.role/);
  });

  it("names the file and the field of every problem", () => {
    const bad = {
      gateway: { listen: "no-port", metrics_listen: "127.0.0.1:31314", poll_interval_ms: "fast" },
      eviction: { strategy: "fifo" },
      neurons: [{ name: "a", endpoint: "not a url" }],
    };
    const result = parseConfig(cortexConfigSchema, bad, "cortex.toml");
    if (result.ok) throw new Error("expected a failure");
    const fields = result.issues.map((issue) => issue.split(": ")[1]);
    expect(fields).toEqual(
      expect.arrayContaining([
        "gateway.listen",
        "gateway.poll_interval_ms",
        "eviction.strategy",
        "neurons[0].endpoint",
      ]),
    );
    expect(result.issues.every((issue) => issue.startsWith("cortex.toml: "))).toBe(true);
    expect(result.error).toContain("gateway.listen: expected host:port");
  });

  it("reports a missing [gateway] at its path", () => {
    const result = parseConfig(cortexConfigSchema, {}, "cortex.toml");
    expect(!result.ok && result.issues[0]).toMatch(/^cortex\.toml: gateway: /);
  });
});

describe("cortexConfigSchema refuses unknown keys at every level", () => {
  const gateway = { listen: "127.0.0.1:1", metrics_listen: "127.0.0.1:2" };
  it.each([
    [{ gateway: { ...gateway, poll_intervall_ms: 5 } }, "gateway.poll_intervall_ms", "poll_interval_ms"],
    [{ gateway, modles_config: "m.toml" }, "modles_config", "models_config"],
    [
      { gateway, neurons: [{ name: "a", endpoint: "http://a:1", auth_tokn: "x" }] },
      "neurons[0].auth_tokn",
      "auth_token",
    ],
    [
      { gateway, entitlements: { require_auth: true, keys: [], requires_auth: 1 } },
      "entitlements.requires_auth",
      "require_auth",
    ],
    [
      { gateway, entitlements: { keys: [{ key: "k", account_id: "a", hardcap: 1 }] } },
      "entitlements.keys[0].hardcap",
      "hard_cap",
    ],
    [
      { gateway, eviction: { strategy: "lru", defrag_after_cycle: 1 } },
      "eviction.defrag_after_cycle",
      "defrag_after_cycles",
    ],
  ])("%o", (data, key, suggestion) => {
    const result = parseConfig(cortexConfigSchema, data, "cortex.toml");
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues).toEqual([`unknown key \`${key}\` in cortex.toml; did you mean \`${suggestion}\`?`]);
  });
});

describe("cortexConfigSchema [ledger]", () => {
  const gateway = { listen: "127.0.0.1:0", metrics_listen: "127.0.0.1:0" };

  it("takes a PostgreSQL url and a lease, and defaults to the SQLite file with a 30 s lease", () => {
    const shared = parseConfig(
      cortexConfigSchema,
      { gateway, ledger: { url: "postgres://cortex:pw@db.internal:5432/helexa", lease_seconds: 5 } },
      "cortex.toml",
    );
    if (!shared.ok) throw new Error(shared.error);
    expect(shared.config.ledger.url).toBe("postgres://cortex:pw@db.internal:5432/helexa");
    expect(shared.config.ledger.lease_seconds).toBe(5);
    const embedded = parseConfig(cortexConfigSchema, { gateway }, "cortex.toml");
    if (!embedded.ok) throw new Error(embedded.error);
    expect(embedded.config.ledger).toMatchObject({ path: "cortex-ledger.sqlite", lease_seconds: 30 });
    expect(embedded.config.ledger.url).toBeUndefined();
  });

  it("refuses a url that is not postgres://, naming ledger.url", () => {
    const result = parseConfig(
      cortexConfigSchema,
      { gateway, ledger: { url: "mysql://db/helexa" } },
      "cortex.toml",
    );
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toContain("ledger.url");
    expect(result.error).toContain("postgres://");
  });
});
