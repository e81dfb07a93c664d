import { dirname, isAbsolute, resolve } from "node:path";

/**
 * Where `ledger.path` points: absolute as written, or relative to the folder of the config file that named
 * it (not the working directory), so `cortex serve` and `cortex usage` find the same file from anywhere.
 */
export function resolveLedgerPath(configFile: string, ledgerPath: string): string {
  return isAbsolute(ledgerPath) ? ledgerPath : resolve(dirname(resolve(configFile)), ledgerPath);
}
