import { readFile, writeFile } from "node:fs/promises";

export const docStartMarker = "<!-- bench:latest:start -->";
export const docEndMarker = "<!-- bench:latest:end -->";

/** Replaces the text between the two markers of `BENCHMARKS.md` with `table`; throws when they are missing. */
export async function updateBenchmarksDoc(path: string, table: string): Promise<void> {
  const text = await readFile(path, "utf8");
  const start = text.indexOf(docStartMarker);
  const end = text.indexOf(docEndMarker);
  if (start === -1 || end < start)
    throw new Error(`${path} lacks the ${docStartMarker} … ${docEndMarker} markers`);
  const before = text.slice(0, start + docStartMarker.length);
  await writeFile(path, `${before}\n${table}\n${text.slice(end)}`);
}
