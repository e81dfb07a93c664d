import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultTinyModelPath } from "./default-tiny-model-path.js";

describe("defaultTinyModelPath", () => {
  it("points at .helexa/models/tiny.gguf in the repository root", () => {
    const path = defaultTinyModelPath();
    expect(isAbsolute(path)).toBe(true);
    expect(path.endsWith(join(".helexa", "models", "tiny.gguf"))).toBe(true);
    const root = dirname(dirname(dirname(path)));
    expect(existsSync(join(root, "pnpm-workspace.yaml"))).toBe(true);
    expect(existsSync(join(root, "packages", "tiny-model", "package.json"))).toBe(true);
  });
});
