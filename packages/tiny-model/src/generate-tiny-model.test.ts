import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTinyModel } from "./generate-tiny-model.js";

/** sha256 of `generateTinyModel()`; a change here changes every consumer's model. */
const defaultModelSha256 = "ce8f9428fe6478533d43231a4c12aa9b4c96c69cadd12cd03462222ac54bc644";
const defaultF16ModelSha256 = "df76c812642e3d819b73713b02f5928c860ef20d6774fa0fa9ee55aa16c88d2a";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

describe("generateTinyModel", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "tiny-model-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("returns the same pinned bytes on every call", () => {
    const first = generateTinyModel();
    expect(sha256(first)).toBe(defaultModelSha256);
    expect(sha256(generateTinyModel())).toBe(defaultModelSha256);
    expect(first.byteLength).toBe(480_032);
  });

  it("stores f16 weights in about half the size, also pinned", () => {
    const bytes = generateTinyModel({ weightType: "f16" });
    expect(sha256(bytes)).toBe(defaultF16ModelSha256);
    expect(bytes.byteLength).toBe(244_000);
  });

  it("without fill-in-the-middle tokens, is the model from before they were added", () => {
    const bytes = generateTinyModel({ fillInTheMiddle: false });
    expect(sha256(bytes)).toBe("649d11dd2a7b302c5bdc770f3f9b6e9297bec2131789d46ee89ffd3287332bc9");
    expect(bytes.byteLength).toBe(478_304);
  });

  it("changes the weights with the seed but keeps the size", () => {
    const other = generateTinyModel({ seed: 7 });
    expect(sha256(other)).not.toBe(defaultModelSha256);
    expect(other.byteLength).toBe(480_032);
  });

  it("writes the llama metadata node-llama-cpp needs", async () => {
    const path = join(directory, "custom.gguf");
    await writeFile(
      path,
      generateTinyModel({
        contextLength: 512,
        embeddingLength: 96,
        headCount: 6,
        headCountKv: 2,
        blockCount: 3,
      }),
    );
    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.metadata.general.architecture).toBe("llama");
    expect(info.architectureMetadata).toMatchObject({
      context_length: 512,
      embedding_length: 96,
      block_count: 3,
      feed_forward_length: 128,
      attention: { head_count: 6, head_count_kv: 2 },
      rope: { dimension_count: 16 },
    });
    expect(info.architectureMetadata.attention?.layer_norm_rms_epsilon).toBeCloseTo(1e-5, 10);
    const tokenizer = info.metadata.tokenizer;
    expect(tokenizer.ggml.model).toBe("gpt2");
    expect(tokenizer.ggml.pre).toBe("gpt-2");
    expect(tokenizer.ggml.tokens).toHaveLength(282);
    expect(tokenizer.ggml).toMatchObject({
      fim_pre_token_id: 279,
      fim_suf_token_id: 280,
      fim_mid_token_id: 281,
    });
    expect(tokenizer.chat_template).toContain("<|im_start|>");
    expect(info.tensorInfo).toHaveLength(2 + 3 * 9 + 1);
    expect(info.tensorInfo?.find((tensor) => tensor.name === "blk.0.attn_k.weight")?.dimensions).toEqual([
      96, 32,
    ]);
    for (const tensor of info.tensorInfo ?? []) expect(Number(tensor.offset) % 32).toBe(0);
  });

  it("rejects inconsistent shapes", () => {
    expect(() => generateTinyModel({ embeddingLength: 64, headCount: 3 })).toThrow(RangeError);
  });
});
