import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseConfig } from "./parse-config.js";

describe("parseConfig", () => {
  const schema = z.object({ a: z.object({ b: z.array(z.object({ c: z.number() })) }), d: z.string() });

  it("returns the parsed config", () => {
    expect(parseConfig(schema, { a: { b: [{ c: 1 }] }, d: "x" }, "f.toml")).toEqual({
      ok: true,
      config: { a: { b: [{ c: 1 }] }, d: "x" },
    });
  });

  it("names the file and a dotted, indexed path for each issue", () => {
    const result = parseConfig(schema, { a: { b: [{ c: 1 }, { c: "2" }] } }, "f.toml");
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues).toHaveLength(2);
    expect(result.issues[0]).toMatch(/^f\.toml: a\.b\[1\]\.c: .*number/);
    expect(result.issues[1]).toMatch(/^f\.toml: d: /);
    expect(result.error).toBe(`invalid config:\n  ${result.issues.join("\n  ")}`);
  });

  it("says (root) when the whole value is wrong", () => {
    const result = parseConfig(schema, "not a table", "f.toml");
    expect(!result.ok && result.issues[0]).toMatch(/^f\.toml: \(root\): /);
  });
});
