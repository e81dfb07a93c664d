import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeTensorData } from "./encode-tensor-data.js";
import { GgufWriter } from "./gguf-writer.js";

describe("GgufWriter", () => {
  let directory = "";
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "gguf-writer-"));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function sampleWriter(): GgufWriter {
    const writer = new GgufWriter();
    writer.setString("general.architecture", "llama");
    writer.setUint32("general.alignment", writer.alignment);
    writer.setFloat32("sample.epsilon", 0.5);
    writer.setBool("sample.flag", true);
    writer.setStringArray("sample.words", ["a", "é", ""]);
    writer.setInt32Array("sample.types", [1, -3]);
    writer.setFloat32Array("sample.scores", [0.25, -1]);
    // 3 f32 values (12 bytes) and 5 f16 values (10 bytes): both need padding.
    writer.addTensor({
      name: "a",
      dimensions: [3],
      type: "f32",
      data: encodeTensorData(new Float32Array(3), "f32"),
    });
    writer.addTensor({
      name: "b",
      dimensions: [5, 1],
      type: "f16",
      data: encodeTensorData(new Float32Array(5), "f16"),
    });
    return writer;
  }

  it("writes metadata that node-llama-cpp's GGUF reader parses back", async () => {
    const path = join(directory, "sample.gguf");
    await writeFile(path, sampleWriter().toBytes());
    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.version).toBe(3);
    expect(Number(info.tensorCount)).toBe(2);
    const metadata = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(metadata.general).toEqual({ architecture: "llama", alignment: 32 });
    expect(metadata.sample).toEqual({
      epsilon: 0.5,
      flag: true,
      words: ["a", "é", ""],
      types: [1, -3],
      scores: [0.25, -1],
    });
    expect(info.tensorInfo?.map((tensor) => [tensor.name, Number(tensor.offset), tensor.ggmlType])).toEqual([
      ["a", 0, 0],
      ["b", 32, 1],
    ]);
  });

  it("aligns the data section and pads the last tensor", () => {
    const bytes = sampleWriter().toBytes();
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("GGUF");
    expect(bytes.byteLength % 32).toBe(0);
  });

  it("rejects tensor data of the wrong size and duplicate keys", () => {
    const writer = new GgufWriter();
    expect(() =>
      writer.addTensor({ name: "x", dimensions: [2, 2], type: "f32", data: new Uint8Array(8) }),
    ).toThrow(/expected 16/);
    writer.setUint32("k", 1);
    expect(() => writer.setUint32("k", 2)).toThrow(/duplicate/);
  });
});
