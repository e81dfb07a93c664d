import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CortexConfig, cortexConfigSchema } from "@helexa/core";

/** A fresh temp folder per test; `cleanup` removes it. */
export function createTempDir(): { dir: string; ledgerPath: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "helexa-ledger-"));
  return {
    dir,
    ledgerPath: join(dir, "ledger.sqlite"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `[entitlements]` as the config parser produces it (defaults applied), from TOML-shaped input. */
export function entitlementsConfig(input: unknown): CortexConfig["entitlements"] {
  return cortexConfigSchema.shape.entitlements.parse(input);
}

/** A clock tests move by hand. */
export function createManualClock(startMs = Date.UTC(2025, 0, 1)): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let time = startMs;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

/** Headers with a bearer key. */
export function bearer(key: string): Headers {
  return new Headers({ authorization: `Bearer ${key}` });
}
