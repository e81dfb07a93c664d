import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseNeuronConfigText } from "./parse-neuron-config-text.js";
import { resolveNeuronConfig } from "./resolve-neuron-config.js";

const minimal = `
port = 13131
threads = 1
gpu = "auto"

[admission]
max_queue_depth = 2
max_wait_secs = 30

[[models]]
id = "tiny"
path = "tiny.gguf"
context_size = 2048
sequences = 2
preload = true
`;

describe("parseNeuronConfigText", () => {
  it("accepts the minimal config from the issue and resolves paths against the file's folder", () => {
    const parsed = parseNeuronConfigText(minimal, "neuron.toml", {});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const resolved = resolveNeuronConfig(parsed.config, "/etc/neuron", 16);
    expect(resolved.models[0]?.path).toBe("/etc/neuron/tiny.gguf");
    expect(resolved.models_dir).toBe("/etc/neuron/models");
    expect(resolved.threads).toBe(1);
    expect(resolved.admission).toMatchObject({ max_queue_depth: 2, max_wait_secs: 30 });
  });

  it("applies NEURON_* overrides with __ nesting", () => {
    const parsed = parseNeuronConfigText(minimal, "neuron.toml", {
      NEURON_PORT: "9999",
      NEURON_ADMISSION__MAX_QUEUE_DEPTH: "5",
      NEURON_LOG_LEVEL: "debug",
    });
    expect(parsed.ok && parsed.config.port).toBe(9999);
    expect(parsed.ok && parsed.config.admission.max_queue_depth).toBe(5);
  });

  it("names the file and the field on a type error", () => {
    const parsed = parseNeuronConfigText(
      `[[models]]\nid = "x"\npath = "a"\nsequences = "two"\n`,
      "n.toml",
      {},
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain("n.toml: models[0].sequences");
  });

  it("reports invalid TOML with the file name", () => {
    const parsed = parseNeuronConfigText("port = = 1", "bad.toml", {});
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(/^bad\.toml: invalid TOML/);
  });
});

describe("parseNeuronConfigText refuses config mistakes", () => {
  const fail = (text: string, env: Record<string, string> = {}) => {
    const parsed = parseNeuronConfigText(text, "neuron.toml", env);
    if (parsed.ok) throw new Error("expected a failure");
    return parsed.error;
  };

  it("names an unknown key, its line and the closest valid key", () => {
    expect(fail("port = 1\nthread = 2\n")).toContain(
      "unknown key `thread` in neuron.toml (line 2); did you mean `threads`?",
    );
    expect(fail(`models_dri = "m"\n${minimal}`)).toContain("did you mean `models_dir`?");
    expect(fail('[[models]]\nid = "a"\npath = "a"\nsequence = 2\n')).toContain(
      "unknown key `models[0].sequence` in neuron.toml (line 4); did you mean `sequences`?",
    );
  });

  it("blames NEURON_PORT, not the file, for a bad port from the environment", () => {
    const error = fail(minimal, { NEURON_PORT: "abc" });
    expect(error).toMatch(/NEURON_PORT: port: .*expected number/);
    expect(error).not.toContain("neuron.toml");
    expect(fail(minimal, { NEURON_THREAD: "2" })).toContain("unknown key `thread` in NEURON_THREAD");
  });

  it("ignores the variables that configure the process (log level, worker flags)", () => {
    const parsed = parseNeuronConfigText(minimal, "neuron.toml", {
      NEURON_LOG_LEVEL: "debug",
      NEURON_WORKER_EXEC_ARGV: "--cpu-prof",
    });
    expect(parsed.ok).toBe(true);
  });

  it("listens on loopback by default and refuses another address without auth_token, naming both keys", () => {
    const parsed = parseNeuronConfigText("", "neuron.toml", {});
    expect(parsed.ok && parsed.config.host).toBe("127.0.0.1");
    const open = fail('host = "0.0.0.0"\n');
    expect(open).toMatch(/^neuron\.toml: host = "0\.0\.0\.0" .*auth_token/);
    expect(open.split("\n")).toHaveLength(1);
    expect(fail("", { NEURON_HOST: "::" })).toMatch(/^NEURON_HOST: host = "::" .*auth_token/);
    for (const host of ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
      expect(parseNeuronConfigText(`host = "${host}"\n`, "n.toml", {}).ok).toBe(true);
    expect(parseNeuronConfigText('host = "0.0.0.0"\nauth_token = "t"\n', "n.toml", {}).ok).toBe(true);
    expect(parseNeuronConfigText('host = "0.0.0.0"\n', "n.toml", { NEURON_AUTH_TOKEN: "t" }).ok).toBe(true);
  });
});

describe("resolveNeuronConfig threads", () => {
  it("defaults to 1 thread on 2 cores and half the cores (max 8) above", () => {
    const parsed = parseNeuronConfigText("", "n.toml", {});
    if (!parsed.ok) throw new Error(parsed.error);
    expect(resolveNeuronConfig(parsed.config, "/", 2).threads).toBe(1);
    expect(resolveNeuronConfig(parsed.config, "/", 6).threads).toBe(3);
    expect(resolveNeuronConfig(parsed.config, "/", 64).threads).toBe(8);
  });
});

describe("shipped example configs", () => {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
  const load = (path: string, cores: number) => {
    const file = resolve(repoRoot, path);
    const parsed = parseNeuronConfigText(readFileSync(file, "utf8"), path, {});
    if (!parsed.ok) throw new Error(parsed.error);
    return resolveNeuronConfig(parsed.config, dirname(file), cores);
  };

  it("loads examples/tiny/neuron.toml (what pnpm start runs) with 1 thread whatever the core count", () => {
    const config = load("examples/tiny/neuron.toml", 64);
    expect(config.threads).toBe(1);
    expect(config.gpu).toBe("auto");
    expect(config.port).toBe(13131);
    expect(config.host).toBe("127.0.0.1");
    expect(config.admission).toMatchObject({ max_queue_depth: 2, max_wait_secs: 30 });
    expect(config.models).toHaveLength(1);
    expect(config.models[0]).toMatchObject({ id: "tiny", context_size: 2048, sequences: 2, preload: true });
    expect(config.models[0]?.path).toBe(resolve(repoRoot, ".helexa/models/tiny.gguf"));
  });

  it("loads apps/neuron/neuron.example.toml, threads left to the documented default", () => {
    expect(load("apps/neuron/neuron.example.toml", 2).threads).toBe(1);
    expect(load("apps/neuron/neuron.example.toml", 16).threads).toBe(8);
    expect(load("apps/neuron/neuron.example.toml", 16).models[0]?.path).toBe(
      resolve(repoRoot, ".helexa/models/tiny.gguf"),
    );
  });
});
