import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const cliPath = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const defaultModelSha256 = "ce8f9428fe6478533d43231a4c12aa9b4c96c69cadd12cd03462222ac54bc644";

// Runs the built CLI as a user would; `pnpm test` follows `pnpm build` (turbo's test depends on build).
describe("tiny-model CLI (dist/cli.js)", () => {
  let directory = "";
  beforeAll(async () => {
    if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`pnpm build\` first`);
    directory = await mkdtemp(join(tmpdir(), "tiny-model-bin-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("writes the default model and prints its pinned sha256", async () => {
    const out = join(directory, "a", "tiny.gguf");
    const { stdout } = await execFileAsync(process.execPath, [cliPath, "--out", out]);
    expect(stdout).toBe(`${defaultModelSha256}  ${out}\n`);
    expect(
      createHash("sha256")
        .update(await readFile(out))
        .digest("hex"),
    ).toBe(defaultModelSha256);
  });

  it("exits 2 with a message on stderr for a bad flag", async () => {
    const failure = await execFileAsync(process.execPath, [cliPath, "--nope"]).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/Unknown option '--nope'/);
  });
});
