import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeNeuron } from "./test-support/fake-neuron.js";
import { CORTEX_CLI, type SpawnedCortex, spawnCortex } from "./test-support/spawn-cortex.js";

const run = promisify(execFile);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function configFor(neuronUrl: string, extra = ""): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "cortex-cli-"));
  const path = join(folder, "cortex.toml");
  await writeFile(
    path,
    `[gateway]\nlisten = "127.0.0.1:0"\nmetrics_listen = "127.0.0.1:0"\npoll_interval_ms = 200\n\n` +
      `[[neurons]]\nname = "a"\nendpoint = "${neuronUrl}"\n${extra}`,
  );
  return path;
}

async function started(path: string): Promise<SpawnedCortex> {
  const cortex = await spawnCortex(path);
  cleanups.push(() => cortex.stop());
  return cortex;
}

describe("cortex CLI", () => {
  it("prints help", async () => {
    const { stdout } = await run(process.execPath, [CORTEX_CLI, "--help"]);
    expect(stdout).toContain("cortex serve --config FILE");
    expect(stdout).toContain("cortex status");
    expect(stdout).toContain("cortex usage");
  });

  it("serves, proxies, exposes metrics, reports status and stops cleanly on SIGTERM", async () => {
    const neuron = await startFakeNeuron();
    cleanups.push(() => neuron.close());
    const cortex = await started(await configFor(neuron.url));
    expect(cortex.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cortex.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    // the first poll runs at start; wait until the node is healthy
    for (;;) {
      const health = (await (await fetch(`${cortex.url}/health`)).json()) as { status: string };
      if (health.status === "ok") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const response = await fetch(`${cortex.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "test-model", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("server-timing")).toMatch(/^cortex;dur=/);
    const metrics = await (await fetch(cortex.metricsUrl)).text();
    expect(metrics).toMatch(/cortex_requests_total\{model="test-model",node="a"\} 1/);
    expect(metrics).toMatch(/cortex_node_healthy\{node="a"\} 1/);

    const { stdout } = await run(process.execPath, [CORTEX_CLI, "status", "--url", cortex.url]);
    expect(stdout).toContain("cortex: ok (1/1 nodes healthy)");
    expect(stdout).toMatch(/a\s+healthy\s+-\s+test-model\s+loaded/);

    expect(await cortex.stop()).toBe(0);
    expect(cortex.lines.some((line) => line.includes('"event":"stopped"'))).toBe(true);
  });

  it("refuses a bad config with a message naming the field", async () => {
    const path = await configFor("not a url");
    await expect(run(process.execPath, [CORTEX_CLI, "serve", "--config", path])).rejects.toMatchObject({
      stderr: expect.stringMatching(/neurons\[0\]\.endpoint/),
    });
  });

  it("runs with keys: wrong key 401, right key served, /v1/usage, and cortex usage reads the ledger", async () => {
    const neuron = await startFakeNeuron();
    cleanups.push(() => neuron.close());
    const path = await configFor(
      neuron.url,
      `\n[entitlements]\nrequire_auth = true\n[[entitlements.keys]]\nkey = "sk-cli-test"\naccount_id = "acct"\nkey_id = "cli"\nhard_cap = 100000\n`,
    );
    const cortex = await started(path);
    const post = (key: string) =>
      fetch(`${cortex.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({
          model: "test-model",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 10,
        }),
      });
    expect((await post("wrong")).status).toBe(401);
    for (;;) {
      const response = await post("sk-cli-test");
      if (response.status === 200) break;
      expect(response.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(neuron.inferenceRequests()[0]?.headers.authorization).toBeUndefined();
    const usage = await fetch(`${cortex.url}/v1/usage`, { headers: { authorization: "Bearer sk-cli-test" } });
    expect(await usage.json()).toMatchObject({ key_id: "cli", spent: 15 });
    expect(await cortex.stop()).toBe(0);
    const { stdout } = await run(process.execPath, [CORTEX_CLI, "usage", "--config", path]);
    expect(stdout).toContain("cli");
  });
});
