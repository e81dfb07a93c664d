import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinyModel } from "../generate-tiny-model.js";
import { runTinyModelCli } from "./run-tiny-model-cli.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runTinyModelCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe("runTinyModelCli", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "tiny-model-cli-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("writes the model with the given flags and prints sha256 and path", async () => {
    const out = join(directory, "tiny.gguf");
    const result = await run(["--out", out, "--context-length", "512", "--seed", "9", "--f16"]);
    const expected = generateTinyModel({ contextLength: 512, seed: 9, weightType: "f16" });
    expect(sha256(await readFile(out))).toBe(sha256(expected));
    expect(result).toEqual({
      code: 0,
      stdout: `${sha256(expected)}  ${out}\n`,
      stderr: "",
    });
  });

  it("prints usage for --help", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: tiny-model");
  });

  it.each([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--seed"], /--seed/],
    [["--seed=-3"], /--seed expects a non-negative integer/],
    [["--context-length", "2k"], /--context-length expects a non-negative integer/],
    [["--context-length", "0"], /contextLength must be a positive/],
    [["--out", ""], /--out needs a file path/],
    [["extra"], /positional/],
  ])("exits 2 with a message on stderr for %j", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("tiny-model --help");
  });
});
