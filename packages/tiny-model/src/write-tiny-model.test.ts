import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinyModel } from "./generate-tiny-model.js";
import { writeTinyModel } from "./write-tiny-model.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describe("writeTinyModel", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "write-tiny-model-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("creates parent directories and reports the absolute path, sha256 and size", async () => {
    const path = join(directory, "nested", "deeper", "tiny.gguf");
    const written = await writeTinyModel(relative(process.cwd(), path), { weightType: "f16" });
    const bytes = await readFile(path);
    expect(written).toEqual({
      path,
      sha256: sha256(bytes),
      byteLength: bytes.byteLength,
    });
    expect(sha256(bytes)).toBe(sha256(generateTinyModel({ weightType: "f16" })));
  });

  it("replaces an existing file and leaves no temporary files behind", async () => {
    const path = join(directory, "replaced.gguf");
    await writeTinyModel(path, { seed: 1 });
    const [first, second] = await Promise.all([writeTinyModel(path), writeTinyModel(path)]);
    expect(second.sha256).toBe(first.sha256);
    expect(sha256(await readFile(path))).toBe(first.sha256);
    expect((await readdir(directory)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects invalid options before touching the file system", async () => {
    const path = join(directory, "never", "tiny.gguf");
    await expect(writeTinyModel(path, { headCount: 3 })).rejects.toThrow(RangeError);
    await expect(readdir(join(directory, "never"))).rejects.toThrow(/ENOENT/);
  });
});
