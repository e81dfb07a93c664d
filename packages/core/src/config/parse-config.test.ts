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

describe("parseConfig with a strict schema and its source", () => {
  const schema = z.strictObject({
    gateway: z.strictObject({ listen: z.string(), poll_interval_ms: z.number().default(1) }),
    models: z.array(z.strictObject({ id: z.string(), threads: z.number().optional() })).default([]),
    port: z.number().default(1),
    models_config: z.string().optional(),
  });
  const text = `models_config = "m.toml"\n[gateway]\nlisten = "x"\npoll_intervall_ms = 5\n\n[[models]]\nid = "a"\nthread = 2\n`;
  const data = {
    models_config: "m.toml",
    gateway: { listen: "x", poll_intervall_ms: 5 },
    models: [{ id: "a", thread: 2 }],
  };

  it("names an unknown key, its file and line, and the closest valid key", () => {
    const result = parseConfig(schema, data, { fileName: "cortex.toml", text });
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues).toEqual([
      "unknown key `gateway.poll_intervall_ms` in cortex.toml (line 4); did you mean `poll_interval_ms`?",
      "unknown key `models[0].thread` in cortex.toml (line 8); did you mean `threads`?",
    ]);
  });

  it("offers no suggestion when nothing is close", () => {
    const result = parseConfig(schema, { gateway: { listen: "x" }, zebra: 1 }, "c.toml");
    expect(!result.ok && result.issues).toEqual(["unknown key `zebra` in c.toml"]);
  });

  it("suggests a longer key the unknown one starts like (`modles_config`, `models_conf`)", () => {
    const result = parseConfig(schema, { gateway: { listen: "x" }, modles_config: "m" }, "c.toml");
    expect(!result.ok && result.issues[0]).toContain("did you mean `models_config`?");
  });

  it("blames the environment variable that set a bad or unknown key, never the file, and never echoes its value", () => {
    const env = { NEURON_PORT: "abc", NEURON_PROT: "1", OTHER: "x" };
    const overlaid = { gateway: { listen: "x" }, port: "abc", prot: 1 };
    const result = parseConfig(schema, overlaid, {
      fileName: "neuron.toml",
      text: "port = 1\n",
      env,
      envPrefix: "NEURON",
    });
    if (result.ok) throw new Error("expected a failure");
    expect(result.issues).toHaveLength(2);
    expect(result.issues.find((issue) => issue.startsWith("NEURON_PORT: port: "))).toMatch(/expected number/);
    expect(result.issues).toContain("unknown key `prot` in NEURON_PROT; did you mean `port`?");
    expect(result.error).not.toContain("abc");
    expect(result.error).not.toContain("neuron.toml");
  });

  it("adds the line to a type error from the file", () => {
    const result = parseConfig(
      schema,
      { gateway: { listen: 5 } },
      { fileName: "c.toml", text: "[gateway]\nlisten = 5\n" },
    );
    expect(!result.ok && result.issues[0]).toMatch(/^c\.toml: gateway\.listen: .*string.* \(line 2\)$/);
  });
});
