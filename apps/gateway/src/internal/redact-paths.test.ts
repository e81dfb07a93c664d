import { describe, expect, it } from "vitest";
import { redactPaths } from "./redact-paths.js";

describe("redactPaths", () => {
  it("cuts absolute paths to their file name", () => {
    expect(
      redactPaths("failed to load model 'm': model file not found or not readable: /tmp/x/y/missing.gguf"),
    ).toBe("failed to load model 'm': model file not found or not readable: missing.gguf");
    expect(redactPaths("not a GGUF model file: '/srv/models/a b.bin'")).toBe(
      "not a GGUF model file: 'a b.bin'",
    );
    expect(redactPaths("open C:\\models\\q4.gguf failed")).toBe("open q4.gguf failed");
    expect(redactPaths("(file:///home/op/m.gguf)")).toBe("(m.gguf)");
  });

  it("leaves text without paths, and http URLs, as they are", () => {
    for (const text of ["out of VRAM: need 4096 MiB", "fetch https://huggingface.co/org/repo failed", "a/b"])
      expect(redactPaths(text)).toBe(text);
  });
});
