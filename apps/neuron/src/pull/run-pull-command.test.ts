import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ModelRepoServer, serveModelRepo, sha256 } from "../test-support/serve-model-repo.js";
import { runPullCommand } from "./run-pull-command.js";

// `neuron pull` against a loopback stand-in for Hugging Face: real HTTP, real files, cut connections.
const quantFile = randomBytes(300_000);
const otherQuant = randomBytes(1000);
const plainFile = randomBytes(50_000);
let server: ModelRepoServer;
let dir: string;

beforeAll(async () => {
  server = await serveModelRepo({
    "acme/demo-GGUF": [
      { name: "demo-Q4_K_M.gguf", content: quantFile },
      { name: "demo-Q8_0.gguf", content: otherQuant },
      { name: "sub/demo-f16.gguf", content: plainFile },
    ],
    "acme/liar-GGUF": [{ name: "liar-Q4_0.gguf", content: plainFile, listedSha256: "0".repeat(64) }],
  });
});
afterAll(() => server.close());

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "neuron-pull-"));
  await writeFile(
    join(dir, "neuron.toml"),
    'models_dir = "models"\nallowed_download_hosts = ["127.0.0.1"]\n',
  );
  server.requests.length = 0;
  server.cuts = [];
  server.gated = {};
  delete server.redirectTo;
  delete server.beforeCut;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function pull(
  uri: string,
  options: { config?: string; isTTY?: boolean; env?: Record<string, string> } = {},
) {
  let stdout = "";
  let stderr = "";
  const code = await runPullCommand({
    uri,
    cwd: dir,
    configPath: options.config ?? "neuron.toml",
    env: { HF_ENDPOINT: server.url, ...options.env },
    fetch: globalThis.fetch,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: options.isTTY ?? false,
    sleep: async () => undefined,
  });
  return { code, stdout, stderr };
}

/** Cuts wait until the client has written what it was sent, so that what a cut keeps does not depend on timing. */
function cutOnceWritten(partPath: string) {
  server.beforeCut = async (sentUpTo) => {
    while ((await stat(partPath).catch(() => undefined))?.size !== sentUpTo)
      await new Promise((resolve) => setTimeout(resolve, 5));
  };
}

const fileRequests = () => server.requests.filter((request) => !request.path.startsWith("/api/"));

describe("neuron pull", () => {
  it("downloads hf:org/repo:QUANT into models_dir, checks the listed sha256 and shows progress", async () => {
    const result = await pull("hf:acme/demo-GGUF:q4_k_m");
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, "models", "demo-Q4_K_M.gguf"))).toEqual(quantFile);
    expect(existsSync(join(dir, "models", "demo-Q4_K_M.gguf.part"))).toBe(false);
    expect(result.stdout).toContain("sha256 verified");
    expect(result.stdout).toContain('path = "models/demo-Q4_K_M.gguf"');
    expect(result.stderr).toMatch(/100% {2}293\.0 KiB \/ 293\.0 KiB/);
    expect(server.requests.map((request) => request.path)).toEqual([
      "/api/models/acme/demo-GGUF",
      "/acme/demo-GGUF/resolve/main/demo-Q4_K_M.gguf",
    ]);
    // A second pull finds it there and fetches nothing but the list.
    const again = await pull("hf:acme/demo-GGUF:Q4_K_M");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already there");
    expect(fileRequests()).toHaveLength(1);
  });

  it("downloads hf:org/repo/path/file.gguf and a plain URL", async () => {
    const byFile = await pull("hf:acme/demo-GGUF/sub/demo-f16.gguf");
    expect(byFile.code).toBe(0);
    expect(await readFile(join(dir, "models", "demo-f16.gguf"))).toEqual(plainFile);
    const byUrl = await pull(`${server.url}/files/demo-Q8_0.gguf`);
    expect(byUrl.code).toBe(0);
    expect(await readFile(join(dir, "models", "demo-Q8_0.gguf"))).toEqual(otherQuant);
  });

  it("resumes with a Range request when the server drops the connection midway", async () => {
    server.cuts = [120_000];
    cutOnceWritten(join(dir, "models", "demo-Q4_K_M.gguf.part"));
    const result = await pull("hf:acme/demo-GGUF:Q4_K_M");
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, "models", "demo-Q4_K_M.gguf"))).toEqual(quantFile);
    const ranges = fileRequests().map((request) => request.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges).toHaveLength(2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? "")?.[1]);
    expect(resumedAt).toBe(120_000);
    expect(result.stdout).toContain("sha256 verified");
  });

  it("keeps the .part of a run that kept being cut, and the next run resumes it", async () => {
    server.cuts = [50_000, 50_000, 50_000, 50_000, 50_000];
    cutOnceWritten(join(dir, "models", "demo-Q4_K_M.gguf.part"));
    const cut = await pull("hf:acme/demo-GGUF:Q4_K_M");
    expect(cut.code, cut.stderr).toBe(1);
    expect(cut.stderr).toContain("run the same pull again to resume");
    const part = await stat(join(dir, "models", "demo-Q4_K_M.gguf.part"));
    expect(part.size).toBe(5 * 50_000);
    expect(existsSync(join(dir, "models", "demo-Q4_K_M.gguf"))).toBe(false);
    server.requests.length = 0;
    const resumed = await pull("hf:acme/demo-GGUF:Q4_K_M");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("resumed at");
    expect(fileRequests().map((request) => request.range)).toEqual([`bytes=${part.size}-`]);
    expect(await readFile(join(dir, "models", "demo-Q4_K_M.gguf"))).toEqual(quantFile);
  });

  it("fails on a 404, naming the URL, and leaves nothing behind", async () => {
    const result = await pull(`${server.url}/files/missing.gguf`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`neuron pull: ${server.url}/files/missing.gguf: HTTP 404`);
    expect(existsSync(join(dir, "models", "missing.gguf.part"))).toBe(false);
    const noRepo = await pull("hf:acme/nothing-here:Q4_K_M");
    expect(noRepo.code).toBe(1);
    expect(noRepo.stderr).toContain("hf:acme/nothing-here: no such repository");
  });

  it("refuses a host outside allowed_download_hosts before any request, and a redirect to one", async () => {
    await writeFile(join(dir, "strict.toml"), 'allowed_download_hosts = ["huggingface.co"]\n');
    const result = await pull(`${server.url}/files/demo-Q8_0.gguf`, { config: "strict.toml" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "host '127.0.0.1' is not in allowed_download_hosts (huggingface.co); add it to neuron.toml",
    );
    expect(server.requests).toHaveLength(0);
    server.redirectTo = `http://localhost:${server.port}`;
    const redirected = await pull("hf:acme/demo-GGUF:Q8_0");
    expect(redirected.code).toBe(1);
    expect(redirected.stderr).toContain("host 'localhost' is not in allowed_download_hosts (127.0.0.1)");
    expect(server.requests.some((request) => request.path.startsWith("/files/"))).toBe(false);
  });

  it("sends HF_TOKEN to the Hugging Face host only, never to the host a download redirects to, and prints it nowhere", async () => {
    const token = "hf_secret0123456789";
    await writeFile(join(dir, "two.toml"), 'allowed_download_hosts = ["127.0.0.1", "localhost"]\n');
    server.gated = { "acme/demo-GGUF": token };
    server.redirectTo = `http://localhost:${server.port}`;
    const result = await pull("hf:acme/demo-GGUF:Q8_0", { config: "two.toml", env: { HF_TOKEN: token } });
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(dir, "models", "demo-Q8_0.gguf"))).toEqual(otherQuant);
    expect(server.requests.map(({ host, path, authorization }) => ({ host, path, authorization }))).toEqual([
      { host: server.url.slice(7), path: "/api/models/acme/demo-GGUF", authorization: `Bearer ${token}` },
      {
        host: server.url.slice(7),
        path: "/acme/demo-GGUF/resolve/main/demo-Q8_0.gguf",
        authorization: `Bearer ${token}`,
      },
      { host: `localhost:${server.port}`, path: "/files/demo-Q8_0.gguf", authorization: undefined },
    ]);
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it("a gated repo without HF_TOKEN, or with a token lacking access, says so and how to fix it", async () => {
    server.gated = { "acme/demo-GGUF": "hf_right" };
    const none = await pull("hf:acme/demo-GGUF:Q8_0");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("HTTP 401");
    expect(none.stderr).toContain("may be gated or private: set HF_TOKEN");
    expect(server.requests.every((request) => request.authorization === undefined)).toBe(true);
    const wrong = await pull("hf:acme/demo-GGUF:Q8_0", { env: { HF_TOKEN: "hf_wrong_token" } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("HTTP 403");
    expect(wrong.stderr).toContain("HF_TOKEN has no access");
    expect(wrong.stderr).not.toContain("hf_wrong_token");
    expect(existsSync(join(dir, "models", "demo-Q8_0.gguf.part"))).toBe(false);
    const garbled = await pull("hf:acme/demo-GGUF:Q8_0", { env: { HF_TOKEN: "hf_a\nb" } });
    expect(garbled.code).toBe(2);
    expect(garbled.stderr).toContain("HF_TOKEN holds spaces or control characters");
    expect(garbled.stderr).not.toContain("hf_a");
  });

  it("names the quants a repo has when the one asked for does not exist", async () => {
    const result = await pull("hf:acme/demo-GGUF:Q2_K");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("hf:acme/demo-GGUF: no Q2_K file; quants available: F16, Q4_K_M, Q8_0");
    expect(fileRequests()).toHaveLength(0);
  });

  it("removes a download whose sha256 is not the listed one", async () => {
    const result = await pull("hf:acme/liar-GGUF:Q4_0");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`sha256 ${sha256(plainFile)} is not the listed ${"0".repeat(64)}`);
    expect(existsSync(join(dir, "models", "liar-Q4_0.gguf"))).toBe(false);
    expect(existsSync(join(dir, "models", "liar-Q4_0.gguf.part"))).toBe(false);
  });

  it("exits 2 on a URI it cannot read or a config that does not exist", async () => {
    const bad = await pull("ftp://example.com/x.gguf");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected hf:org/repo:QUANT, hf:org/repo/file.gguf or https://");
    const missing = await pull("hf:acme/demo-GGUF:Q8_0", { config: "nope.toml" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read config");
  });

  it("redraws one line on a terminal", async () => {
    const result = await pull("hf:acme/demo-GGUF:Q8_0", { isTTY: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("\r\x1b[2K");
    expect(result.stderr).toMatch(/100% {2}1000 B \/ 1000 B/);
  });
});
