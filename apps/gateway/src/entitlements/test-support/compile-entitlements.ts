import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const entitlementsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const srcDir = dirname(entitlementsDir);
const gatewayDir = dirname(srcDir);
/** Gateway files outside this folder that its sources import. */
const SHARED = [join(srcDir, "internal", "client-headers.ts"), join(srcDir, "internal", "logger.ts")];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "test-support" ? [] : sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/**
 * Compiles this folder's sources (not tests), and the few gateway files they import, to plain ESM for a
 * child `node` process, one file at a time with `transpileModule`: no type check and no other gateway code
 * involved, so it works while the rest of the gateway is mid-change. The output mirrors `src/` under
 * `apps/gateway/.test-results/` (gitignored), where bare imports (`@helexa/core`, `better-sqlite3`)
 * resolve through `apps/gateway/node_modules` and the gateway's `"type": "module"` applies. Returns the
 * compiled entitlements folder.
 */
export function compileEntitlements(name: string): string {
  const outDir = join(gatewayDir, ".test-results", `${name}-${process.pid}`);
  for (const file of [...sources(entitlementsDir), ...SHARED]) {
    const output = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(outDir, relative(srcDir, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return join(outDir, "entitlements");
}
