import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const engineDir = dirname(fileURLToPath(import.meta.url));

/** Every value import (type-only imports are erased) of the source files `entry` reaches, by file. */
function valueImports(entry: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (found.has(file)) continue;
    const source = readFileSync(file, "utf8");
    const specifiers: string[] = [];
    for (const match of source.matchAll(/^(import|export)\s+(?!type\s)[^;]*?\sfrom\s+"([^"]+)";/gms)) {
      const specifier = match[2] as string;
      specifiers.push(specifier);
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
    }
    for (const match of source.matchAll(/^import\s+"([^"]+)";/gm)) specifiers.push(match[1] as string);
    found.set(file, specifiers);
  }
  return found;
}

describe("the model worker's imports", () => {
  it("reach @helexa/core only through its zod-free entries, never zod", () => {
    const graph = valueImports(resolve(engineDir, "worker-main.ts"));
    // The walk itself works: it reaches the engine and core's error entry.
    expect(graph.size).toBeGreaterThan(20);
    const all = [...graph.values()].flat();
    expect(all).toContain("node-llama-cpp");
    expect(all).toContain("@helexa/core/errors");
    // One worker per model: the main entry's schemas are ~4.7 MB of heap in each (BENCHMARKS.md, neuron).
    const offending = [...graph].flatMap(([file, specifiers]) =>
      specifiers
        .filter((specifier) => specifier === "@helexa/core" || specifier === "zod")
        .map((specifier) => `${file.slice(engineDir.length - "engine".length)}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
