import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModel } from "./ensure-tiny-model.js";
import { generateTinyModel } from "./generate-tiny-model.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describe("ensureTinyModel", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "ensure-tiny-model-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("writes the model when the file is missing", async () => {
    const path = join(directory, "models", "tiny.gguf");
    expect(await ensureTinyModel(path)).toEqual({ path, created: true });
    expect(sha256(await readFile(path))).toBe(sha256(generateTinyModel()));
  });

  it("leaves an up-to-date file untouched", async () => {
    const path = join(directory, "current.gguf");
    await writeFile(path, generateTinyModel({ seed: 5 }));
    expect(await ensureTinyModel(path, { seed: 5 })).toEqual({ path, created: false });
  });

  it("replaces a file that is not the model the options give (an older generator's, say)", async () => {
    const path = join(directory, "existing.gguf");
    await writeFile(path, "not a model");
    expect(await ensureTinyModel(path)).toEqual({ path, created: true });
    expect(sha256(await readFile(path))).toBe(sha256(generateTinyModel()));
  });
});
