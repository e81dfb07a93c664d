import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The built worker entry (`dist/engine/worker-main.js`), found from this module whether it runs from
 * `dist/` or, under vitest, from `src/` (build before testing).
 */
export function resolveWorkerEntry(): string {
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return resolve(packageRoot, "dist", "engine", "worker-main.js");
}
