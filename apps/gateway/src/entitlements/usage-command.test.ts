import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import { createManualClock, createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";
import { runUsageCommand } from "./usage-command.js";

const temps: Array<{ cleanup: () => void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

const TOML = `
[gateway]
listen = "127.0.0.1:0"
metrics_listen = "127.0.0.1:0"

[ledger]
path = "data/ledger.sqlite"

[[entitlements.keys]]
key = "sk-alpha-secret"
account_id = "acct-a"
key_id = "alpha"
hard_cap = 1000
window = { kind = "rolling", seconds = 3600 }

[[entitlements.keys]]
key = "sk-idle-secret"
account_id = "acct-i"
key_id = "idle"
`;

async function run(argv: string[], env: Record<string, string> = {}, now?: () => number) {
  let stdout = "";
  let stderr = "";
  const code = await runUsageCommand(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    ...(now === undefined ? {} : { now }),
  });
  return { code, stdout, stderr };
}

function fixture() {
  const temp = createTempDir();
  temps.push(temp);
  const configFile = join(temp.dir, "cortex.toml");
  writeFileSync(configFile, TOML);
  const clock = createManualClock();
  const entitlements = createEntitlements({
    config: entitlementsConfig({ keys: [{ key: "sk-alpha-secret", account_id: "acct-a", key_id: "alpha" }] }),
    ledgerPath: join(temp.dir, "data", "ledger.sqlite"),
    clock: clock.now,
    costFor: (model, usage) =>
      model === "big" ? (usage.promptTokens * 3 + usage.completionTokens * 15) / 1e6 : 0,
  });
  const alpha = { keyId: "alpha", accountId: "acct-a" };
  const ok = { node: "n1", outcome: "ok" as const };
  entitlements.settle(
    entitlements.reserve(alpha, 10),
    { promptTokens: 1000, completionTokens: 200 },
    { ...ok, model: "big" },
  );
  clock.advance(7_200_000);
  entitlements.settle(
    entitlements.reserve(alpha, 10),
    { promptTokens: 30, completionTokens: 20 },
    { ...ok, model: "small" },
  );
  entitlements.release(entitlements.reserve(alpha, 10), { ...ok, model: "small", outcome: "error" });
  entitlements.settle(
    entitlements.reserve(null, 10),
    { promptTokens: 5, completionTokens: 5 },
    { ...ok, model: "small" },
  );
  return { temp, configFile, entitlements, clock };
}

describe("cortex usage", () => {
  it("prints per-key and per-model totals while cortex still has the ledger open", async () => {
    const { configFile, entitlements, clock } = fixture();
    const { code, stdout, stderr } = await run(["--config", configFile], {}, clock.now);
    entitlements.dispose();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^Ledger .*data\/ledger\.sqlite \(4 rows, /);
    const alpha = lines.find((line) => line.startsWith("alpha"));
    // requests 3, failed 1, prompt 1,030, completion 220, total 1,250, $0.0060, rolling window spent 50 of 1,000.
    expect(alpha?.split(/\s{2,}/)).toEqual([
      "alpha",
      "acct-a",
      "3",
      "1",
      "1,030",
      "220",
      "1,250",
      "$0.0060",
      "rolling 3600s",
      "50",
      "1,000",
    ]);
    expect(lines.find((line) => line.startsWith("idle"))?.split(/\s{2,}/)).toEqual([
      "idle",
      "acct-i",
      "0",
      "0",
      "0",
      "0",
      "0",
      "$0.0000",
      "balance",
      "0",
      "-",
    ]);
    expect(lines.find((line) => line.startsWith("(anonymous)"))).toMatch(
      /^\(anonymous\)\s+-\s+1\s+0\s+5\s+5\s+10/,
    );
    expect(lines.find((line) => line.startsWith("big"))?.split(/\s{2,}/)).toEqual([
      "big",
      "1",
      "0",
      "1,000",
      "200",
      "1,200",
      "$0.0060",
    ]);
    expect(lines.find((line) => line.startsWith("small"))?.split(/\s{2,}/)).toEqual([
      "small",
      "3",
      "1",
      "35",
      "25",
      "60",
      "$0.0000",
    ]);
    expect(stdout).not.toContain("sk-alpha-secret");
  });

  it("--json prints the same report as JSON; --since limits it to recent rows", async () => {
    const { configFile, entitlements, clock } = fixture();
    entitlements.dispose();
    const { code, stdout } = await run(["-c", configFile, "--json", "--since", "1h"], {}, clock.now);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      since: string;
      models: Array<{ model: string; requests: number }>;
    };
    expect(report.since).toBe(new Date(clock.now() - 3_600_000).toISOString());
    expect(report.models).toEqual([expect.objectContaining({ model: "small", requests: 3 })]);
  });

  it("--ledger reads a ledger file without a config", async () => {
    const { temp, entitlements } = fixture();
    entitlements.dispose();
    const { code, stdout } = await run(["--ledger", join(temp.dir, "data", "ledger.sqlite")]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^alpha\s+acct-a\s+3/m);
  });

  it("applies CORTEX_* overrides to the config, as serve does", async () => {
    const { temp, configFile, entitlements } = fixture();
    entitlements.dispose();
    const moved = await run(["--config", configFile], { CORTEX_LEDGER__PATH: "elsewhere.sqlite" });
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain(`no ledger at ${join(temp.dir, "elsewhere.sqlite")} yet`);
  });

  it("fails clearly on bad arguments, a bad config or a missing ledger; --help prints usage", async () => {
    const { temp, entitlements } = fixture();
    entitlements.dispose();
    expect(await run(["--bogus"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("Unknown option"),
    });
    expect(await run(["--ledger", "x", "--since", "yesterday"])).toMatchObject({ code: 2 });
    const missing = await run(["--config", join(temp.dir, "absent.toml")]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("absent.toml: file not found"),
    });
    const invalid = join(temp.dir, "invalid.toml");
    writeFileSync(invalid, "[gateway]\nlisten = 5\n");
    expect((await run(["--config", invalid])).stderr).toMatch(/gateway\.listen/);
    expect(await run(["--ledger", join(temp.dir, "none.sqlite")])).toMatchObject({ code: 1 });
    const help = await run(["--help"]);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: cortex usage") });
  });

  it("without a ledger says when cortex creates one: keys configured, first start; none without keys", async () => {
    const temp = createTempDir();
    temps.push(temp);
    const keyed = join(temp.dir, "cortex.toml");
    writeFileSync(keyed, TOML);
    const waiting = await run(["--config", keyed]);
    expect(waiting.code).toBe(1);
    expect(waiting.stderr).toBe(
      `cortex usage: no ledger at ${join(temp.dir, "data", "ledger.sqlite")} yet: cortex creates it there on its first start with this config\n`,
    );
    const open = join(temp.dir, "open.toml");
    writeFileSync(open, TOML.slice(0, TOML.indexOf("[[entitlements.keys]]")));
    const keyless = await run(["--config", open]);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain(`no ledger at ${join(temp.dir, "data", "ledger.sqlite")}:`);
    expect(keyless.stderr).toContain(
      "cortex meters usage only with [[entitlements.keys]] (or require_auth = true) in cortex.toml",
    );
    expect(keyless.stderr).not.toContain("first start");
    const named = await run(["--ledger", join(temp.dir, "none.sqlite")]);
    expect(named.stderr).toBe(`cortex usage: no ledger at ${join(temp.dir, "none.sqlite")}\n`);
  });

  it("says a PostgreSQL ledger is read through GET /v1/usage, without printing its password", async () => {
    const temp = createTempDir();
    temps.push(temp);
    const config = join(temp.dir, "cortex.toml");
    writeFileSync(
      config,
      TOML.replace(
        'path = "data/ledger.sqlite"',
        'url = "postgres://cortex:pg-secret-pw@db.internal:5432/helexa"',
      ),
    );
    const { code, stdout, stderr } = await run(["--config", config]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("the ledger is PostgreSQL (postgres://cortex@db.internal:5432/helexa)");
    expect(stderr).toContain("GET /v1/usage");
    expect(stderr).not.toContain("pg-secret-pw");
  });
});
