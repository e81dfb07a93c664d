import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEntitlements } from "./create-entitlements.js";
import { compileEntitlements } from "./test-support/compile-entitlements.js";
import { createTempDir, entitlementsConfig } from "./test-support/temp-ledger.js";

const childScript = join(dirname(fileURLToPath(import.meta.url)), "test-support", "settle-loop-child.mjs");
let moduleDir = "";
const temp = createTempDir();

beforeAll(() => {
  moduleDir = compileEntitlements("entitlements-sigkill");
});
afterAll(() => {
  rmSync(moduleDir, { recursive: true, force: true });
  temp.cleanup();
});

/** Runs the child until it has reported `target` settled ids, SIGKILLs it, and returns every id it reported. */
function runAndKill(firstIndex: number, target: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, moduleDir, temp.ledgerPath, String(firstIndex)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (!killed && stdout.split("\n").length - 1 >= target) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal !== "SIGKILL") {
        reject(new Error(`child exited (code ${code}) before it was killed:\n${stderr}`));
        return;
      }
      // A line cut short by the kill was not fully reported; only whole lines count.
      resolve(stdout.split("\n").slice(0, -1));
    });
  });
}

interface Check {
  rows: number;
  duplicates: number;
  missing: string[];
  totalsMismatch: Array<{ key_id: string; totals: number; rows: number }>;
}

function checkLedger(reported: readonly string[]): Check {
  const database = new Database(temp.ledgerPath, { readonly: true });
  try {
    const ids = new Map(
      (
        database
          .prepare("SELECT request_id AS id, count(*) AS n FROM requests GROUP BY request_id")
          .all() as Array<{
          id: string;
          n: number;
        }>
      ).map((row) => [row.id, row.n]),
    );
    const rows = (database.prepare("SELECT count(*) AS n FROM requests").get() as { n: number }).n;
    return {
      rows,
      duplicates: [...ids.values()].filter((count) => count > 1).length,
      missing: reported.filter((id) => ids.get(id) !== 1),
      totalsMismatch: database
        .prepare(
          `SELECT t.key_id, t.prompt_tokens + t.completion_tokens AS totals,
             (SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM requests r WHERE r.key_id = t.key_id) AS rows
           FROM key_totals t`,
        )
        .all()
        .filter(
          (row) => (row as { totals: number; rows: number }).totals !== (row as { rows: number }).rows,
        ) as Check["totalsMismatch"],
    };
  } finally {
    database.close();
  }
}

describe("SIGKILL consistency", () => {
  it("keeps every settled request exactly once, and spend equal to the rows, across five kills", async () => {
    const reported: string[] = [];
    let kills = 0;
    for (const firstIndex of [0, 1e6, 2e6, 3e6, 4e6]) {
      reported.push(...(await runAndKill(firstIndex, 200)));
      kills += 1;
      const check = checkLedger(reported);
      expect(check.missing).toEqual([]);
      expect(check.duplicates).toBe(0);
      expect(check.totalsMismatch).toEqual([]);
      // Each kill can land after a commit and before its id was written: one unreported row per kill at most.
      expect(check.rows - reported.length).toBeGreaterThanOrEqual(0);
      expect(check.rows - reported.length).toBeLessThanOrEqual(kills);
    }

    // A restarted cortex counts the same spend the rows hold.
    const database = new Database(temp.ledgerPath, { readonly: true });
    const sums = database
      .prepare(
        "SELECT key_id, sum(prompt_tokens + completion_tokens) AS tokens FROM requests GROUP BY key_id",
      )
      .all() as Array<{ key_id: string | null; tokens: number }>;
    database.close();
    const config = entitlementsConfig({
      keys: [
        { key: "sk-child-a", account_id: "acct-a", key_id: "key-a" },
        {
          key: "sk-child-b",
          account_id: "acct-b",
          key_id: "key-b",
          window: { kind: "rolling", seconds: 3600 },
        },
      ],
    });
    const entitlements = createEntitlements({ config, ledgerPath: temp.ledgerPath });
    for (const { key_id, tokens } of sums) {
      if (key_id === null) continue;
      expect(entitlements.usageFor({ keyId: key_id, accountId: "any" }).spent).toBe(tokens);
    }
    expect(sums.filter((row) => row.key_id !== null)).toHaveLength(2);
    entitlements.dispose();
  });
});
