import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SuiteResults } from "./bench-types.js";

/** Writes `<folder>/<name>.json` atomically (through a `.tmp` file, which git ignores); returns its path. */
export async function writeResults(folder: string, results: SuiteResults): Promise<string> {
  if (!/^[A-Za-z0-9._-]+$/.test(results.name)) throw new Error(`invalid results name "${results.name}"`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, `${results.name}.json`);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(results, null, 2)}\n`);
  await rename(temporary, path);
  return path;
}
