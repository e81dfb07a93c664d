import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// scripts/test-totals.mjs on a made-up workspace: a package whose report is missing must fail the total.
const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "scripts", "test-totals.mjs");
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function workspace(
  packages: Record<string, { test: boolean; script?: string; report?: Record<string, unknown> }>,
) {
  const root = await mkdtemp(join(tmpdir(), "test-totals-"));
  folders.push(root);
  await mkdir(join(root, "scripts"));
  await copyFile(script, join(root, "scripts", "test-totals.mjs"));
  await writeFile(join(root, "pnpm-workspace.yaml"), 'packages:\n  - "packages/*"\n  - "bench"\n');
  for (const [dir, { test, script = "test", report }] of Object.entries(packages)) {
    await mkdir(join(root, dir, ".test-results"), { recursive: true });
    await writeFile(
      join(root, dir, "package.json"),
      JSON.stringify({ scripts: test ? { [script]: "vitest run" } : {} }),
    );
    if (report !== undefined)
      await writeFile(join(root, dir, ".test-results", "vitest.json"), JSON.stringify(report));
  }
  return root;
}

function totals(root: string, args: string[] = []): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, "scripts", "test-totals.mjs"), ...args], (error, stdout) =>
      resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout }),
    );
  });
}

const green = {
  numPassedTests: 3,
  numFailedTests: 0,
  numFailedTestSuites: 0,
  success: true,
  startTime: 1000,
};

describe("test-totals", () => {
  it("sums the reports of every package with a test script", async () => {
    const root = await workspace({
      "packages/a": { test: true, report: green },
      bench: { test: true, report: green },
    });
    expect(await totals(root)).toEqual({ code: 0, stdout: "\n6 passed, 0 failed, 0 skipped\n" });
  });

  it("counts a package whose report is missing as failed and names it", async () => {
    const root = await workspace({
      "packages/a": { test: true, report: green },
      "packages/b": { test: true },
      "packages/no-tests": { test: false },
    });
    const result = await totals(root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("packages/b: no test report");
    expect(result.stdout).not.toContain("no-tests");
    expect(result.stdout).toContain("3 passed, 1 failed");
  });

  it("treats a report older than --since as missing", async () => {
    const root = await workspace({ "packages/a": { test: true, report: green } });
    expect((await totals(root, ["--since=2000"])).stdout).toContain("0 passed, 1 failed");
  });

  it("expects a report from packages with an --include'd script too (the fault suite in CI)", async () => {
    const root = await workspace({
      "packages/a": { test: true, report: green },
      "packages/faults": { test: true, script: "test:faults" },
    });
    expect((await totals(root)).stdout).toBe("\n3 passed, 0 failed, 0 skipped\n");
    const included = await totals(root, ["--include=test:faults"]);
    expect(included.code).toBe(1);
    expect(included.stdout).toContain("packages/faults: no test report");
  });
});
