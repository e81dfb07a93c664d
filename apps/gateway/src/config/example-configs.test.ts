import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cortexConfigSchema, modelsCatalogueSchema } from "@helexa/core";
import { documentedTomlKeys, schemaKeyPaths } from "@helexa/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { spawnCortex } from "../test-support/spawn-cortex.js";
import { loadCortexConfig } from "./load-cortex-config.js";

// Every cortex config the repo ships loads as written through the real loader (with its models
// catalogue) and starts as a real process; the reference files document every key of their schemas.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const reference = join(root, "apps", "gateway", "cortex.example.toml");
const catalogue = join(root, "apps", "gateway", "models.example.toml");
const scratch = mkdtempSync(join(tmpdir(), "cortex-examples-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function shippedCortexConfigs(): string[] {
  const files = [reference];
  for (const folder of ["examples", "deploy"]) {
    const base = join(root, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { recursive: true, encoding: "utf8" }).sort())
      if (/(^|\/)cortex[^/]*\.toml$/.test(entry)) files.push(join(base, entry));
  }
  return files;
}

describe("shipped cortex configs", () => {
  const files = shippedCortexConfigs();

  it("include the reference, the examples and the deploy config", () => {
    const names = files.map((file) => relative(root, file));
    expect(names).toEqual(
      expect.arrayContaining([
        "apps/gateway/cortex.example.toml",
        "examples/tiny/cortex.toml",
        "examples/gpu-host/cortex.toml",
        "examples/fleet/cortex.toml",
        "deploy/cortex.toml",
      ]),
    );
  });

  it.each(files.map((file) => [relative(root, file), file]))(
    "%s loads as written and cortex starts with it",
    async (_name, file) => {
      const loaded = await loadCortexConfig(file, {});
      expect(loaded.config.neurons.length).toBeGreaterThan(0);
      // Only what the test machine needs moves: ephemeral ports and a ledger in a scratch folder.
      const cortex = await spawnCortex(file, {
        CORTEX_GATEWAY__LISTEN: "127.0.0.1:0",
        CORTEX_GATEWAY__METRICS_LISTEN: "127.0.0.1:0",
        CORTEX_LEDGER__PATH: join(mkdtempSync(join(scratch, "run-")), "ledger.sqlite"),
      });
      try {
        const health = await fetch(`${cortex.url}/health`);
        expect(health.status).toBe(200);
        const body = (await health.json()) as { nodes: { total: number } };
        expect(body.nodes.total).toBe(loaded.config.neurons.length);
      } finally {
        expect(await cortex.stop()).toBe(0);
      }
    },
    60_000,
  );

  it("cortex.example.toml documents every key of the schema, and no key the schema lacks", () => {
    const documented = documentedTomlKeys(readFileSync(reference, "utf8"));
    const keys = schemaKeyPaths(cortexConfigSchema);
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !keys.includes(key))).toEqual([]);
  });

  it("models.example.toml documents every key of the catalogue, and no key the catalogue lacks", () => {
    const documented = documentedTomlKeys(readFileSync(catalogue, "utf8"));
    const keys = schemaKeyPaths(modelsCatalogueSchema);
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !keys.includes(key))).toEqual([]);
  });
});
