import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError, loadCortexConfig } from "./load-cortex-config.js";
import { listenUrl, parseListenAddress } from "./parse-listen-address.js";

const appRoot = resolve(fileURLToPath(import.meta.url), "../../..");

async function writeConfig(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "cortex-config-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return join(folder, "cortex.toml");
}

const MINIMAL = `
[gateway]
listen = "127.0.0.1:31313"
metrics_listen = "127.0.0.1:31314"

[[neurons]]
name = "a"
endpoint = "http://127.0.0.1:13131"
`;

describe("loadCortexConfig", () => {
  it("loads the shipped examples as written", async () => {
    const loaded = await loadCortexConfig(join(appRoot, "cortex.example.toml"));
    expect(loaded.config.neurons.map((neuron) => neuron.name)).toEqual(["gpu-a", "gpu-b"]);
    expect(loaded.cataloguePath).toBe(join(appRoot, "models.example.toml"));
    expect(loaded.catalogue.models.map((model) => model.id)).toContain("Qwen/Qwen3-0.6B-GGUF");
    expect(loaded.catalogue.aliases["helexa/small"]).toBe("Qwen/Qwen3-0.6B-GGUF");
    expect(loaded.catalogue.models.find((model) => model.id === "tiny")?.path).toBe(
      resolve(appRoot, "../../.helexa/models/tiny.gguf"),
    );
  });

  it("loads the issue's minimal config with defaults", async () => {
    const loaded = await loadCortexConfig(await writeConfig({ "cortex.toml": MINIMAL }));
    expect(loaded.config.gateway).toMatchObject({ poll_interval_ms: 2000, max_attempts: 3 });
    expect(loaded.config.eviction.strategy).toBe("lru");
    expect(loaded.catalogue).toEqual({ models: [], aliases: {} });
    expect(loaded.config.ledger.path).toBe(join(loaded.configPath, "..", "cortex-ledger.sqlite"));
  });

  it("applies CORTEX_* overrides, __ nesting", async () => {
    const path = await writeConfig({ "cortex.toml": MINIMAL });
    const loaded = await loadCortexConfig(path, {
      CORTEX_GATEWAY__LISTEN: "127.0.0.1:0",
      CORTEX_GATEWAY__POLL_INTERVAL_MS: "500",
      OTHER: "x",
    });
    expect(loaded.config.gateway.listen).toBe("127.0.0.1:0");
    expect(loaded.config.gateway.poll_interval_ms).toBe(500);
  });

  it("resolves models_config against the config file's folder", async () => {
    const path = await writeConfig({
      "cortex.toml": `models_config = "models.toml"\n${MINIMAL}`,
      "models.toml": `[[models]]\nid = "m"\npath = "weights/m.gguf"\n[aliases]\n"small" = "m"\n`,
    });
    const loaded = await loadCortexConfig(path);
    expect(loaded.catalogue.models[0]?.path).toBe(join(path, "..", "weights/m.gguf"));
  });

  it("names the file and field of a bad value", async () => {
    const path = await writeConfig({ "cortex.toml": MINIMAL.replace('"127.0.0.1:31313"', '"localhost"') });
    await expect(loadCortexConfig(path)).rejects.toThrow(/cortex\.toml: gateway\.listen: expected host:port/);
  });

  it("refuses a missing file, bad TOML, a broken catalogue and an alias shadowing a model", async () => {
    await expect(loadCortexConfig("/nonexistent/cortex.toml")).rejects.toThrow(/file not found/);
    await expect(loadCortexConfig(await writeConfig({ "cortex.toml": "[gateway" }))).rejects.toThrow(
      /invalid TOML/,
    );
    const broken = await writeConfig({
      "cortex.toml": `models_config = "models.toml"\n${MINIMAL}`,
      "models.toml": `[[models]]\nid = "m"\nlimit = { context = "big" }\n`,
    });
    await expect(loadCortexConfig(broken)).rejects.toThrow(/models\.toml: models\[0\]\.limit\.context/);
    const shadow = await writeConfig({
      "cortex.toml": `models_config = "models.toml"\n${MINIMAL}`,
      "models.toml": `[[models]]\nid = "m"\n[aliases]\n"m" = "x"\n`,
    });
    await expect(loadCortexConfig(shadow)).rejects.toBeInstanceOf(ConfigError);
    const twice = await writeConfig({
      "cortex.toml": `${MINIMAL}\n[[neurons]]\nname = "a"\nendpoint = "http://x:1"\n`,
    });
    await expect(loadCortexConfig(twice)).rejects.toThrow(/neurons\[1\]\.name: duplicate neuron name 'a'/);
  });
});

describe("loadCortexConfig refuses config mistakes", () => {
  it("names an unknown key with its file, line and the closest valid key", async () => {
    const path = await writeConfig({
      "cortex.toml": MINIMAL.replace(
        'metrics_listen = "127.0.0.1:31314"',
        'metrics_listen = "127.0.0.1:31314"\npoll_intervall_ms = 500',
      ),
    });
    await expect(loadCortexConfig(path)).rejects.toThrow(
      `unknown key \`gateway.poll_intervall_ms\` in ${path} (line 5); did you mean \`poll_interval_ms\`?`,
    );
    const typo = await writeConfig({ "cortex.toml": `modles_config = "models.toml"\n${MINIMAL}` });
    await expect(loadCortexConfig(typo)).rejects.toThrow(
      /unknown key `modles_config` in .*cortex\.toml \(line 1\); did you mean `models_config`\?/,
    );
  });

  it("refuses a neuron endpoint with user:password@, naming file, line and auth_token, never the password", async () => {
    const path = await writeConfig({
      "cortex.toml": MINIMAL.replace("http://127.0.0.1:13131", "http://admin:hunter2-secret@127.0.0.1:13131"),
    });
    const error = await loadCortexConfig(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`${path}: neurons[0].endpoint: must not carry credentials`);
    expect(message).toContain("auth_token");
    expect(message).toContain("(line 8)");
    expect(message).not.toContain("hunter2");
    const fromEnv = await loadCortexConfig(await writeConfig({ "cortex.toml": MINIMAL }), {
      CORTEX_NEURONS: '[{"name":"a","endpoint":"http://u:hunter2-secret@127.0.0.1:1"}]',
    }).catch((caught: unknown) => (caught as Error).message);
    expect(fromEnv).toMatch(
      /^invalid config:\n {2}CORTEX_NEURONS: neurons\[0\]\.endpoint: must not carry credentials/,
    );
    expect(fromEnv).not.toContain("hunter2");
  });

  it("refuses a [join] ttl_ms under a second, saying why", async () => {
    const path = await writeConfig({
      "cortex.toml": `${MINIMAL}\n[join]\ntoken = "a-join-token-of-16+chars"\nttl_ms = 300\n`,
    });
    await expect(loadCortexConfig(path)).rejects.toThrow(
      /cortex\.toml: join\.ttl_ms: expected at least 1000 \(ms\): neurons renew every ttl_ms \/ 3/,
    );
  });

  it("refuses an unknown key in the catalogue", async () => {
    const path = await writeConfig({
      "cortex.toml": `models_config = "models.toml"\n${MINIMAL}`,
      "models.toml": `[[models]]\nid = "m"\nvram_gb = 4\n`,
    });
    await expect(loadCortexConfig(path)).rejects.toThrow(
      /unknown key `models\[0\]\.vram_gb` in .*models\.toml \(line 3\)/,
    );
  });

  it("blames the CORTEX_ variable that set a bad or unknown key, and ignores the CLI's own variables", async () => {
    const path = await writeConfig({ "cortex.toml": MINIMAL });
    await expect(loadCortexConfig(path, { CORTEX_GATEWAY__POLL_INTERVAL_MS: "soon" })).rejects.toThrow(
      /CORTEX_GATEWAY__POLL_INTERVAL_MS: gateway\.poll_interval_ms: .*expected number/,
    );
    await expect(loadCortexConfig(path, { CORTEX_GATEWAY__POLL_INTERVALL_MS: "5" })).rejects.toThrow(
      "unknown key `gateway.poll_intervall_ms` in CORTEX_GATEWAY__POLL_INTERVALL_MS; did you mean `poll_interval_ms`?",
    );
    const loaded = await loadCortexConfig(path, {
      CORTEX_LOG_LEVEL: "debug",
      CORTEX_URL: "http://127.0.0.1:1",
      CORTEX_API_KEY: "sk-secret",
    });
    expect(loaded.config.neurons).toHaveLength(1);
  });
});

describe("listen addresses", () => {
  it("splits host:port, IPv6 included, and prints wildcard binds as loopback URLs", () => {
    expect(parseListenAddress("0.0.0.0:31313")).toEqual({ hostname: "0.0.0.0", port: 31313 });
    expect(parseListenAddress("[::1]:8080")).toEqual({ hostname: "::1", port: 8080 });
    expect(listenUrl("0.0.0.0", 1)).toBe("http://127.0.0.1:1");
    expect(listenUrl("::1", 2)).toBe("http://[::1]:2");
  });
});
