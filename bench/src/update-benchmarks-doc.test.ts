import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { docEndMarker, docStartMarker, updateBenchmarksDoc } from "./update-benchmarks-doc.js";

let folder = "";
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "helexa-bench-doc-"));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

describe("updateBenchmarksDoc", () => {
  it("replaces only the text between the markers", async () => {
    const path = join(folder, "BENCHMARKS.md");
    await writeFile(path, `# Title\n${docStartMarker}\nold table\n${docEndMarker}\n## After\n`);
    await updateBenchmarksDoc(path, "| new |");
    expect(await readFile(path, "utf8")).toBe(
      `# Title\n${docStartMarker}\n| new |\n${docEndMarker}\n## After\n`,
    );
  });

  it("refuses a document without the markers", async () => {
    const path = join(folder, "BENCHMARKS.md");
    await writeFile(path, "# nothing here\n");
    await expect(updateBenchmarksDoc(path, "x")).rejects.toThrow(/markers/);
  });
});
