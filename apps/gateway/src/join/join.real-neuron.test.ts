import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../test-support/gate.js";
import { type SpawnedCortex, spawnCortex } from "../test-support/spawn-cortex.js";
import { type SpawnedNeuron, spawnTinyNeuron } from "../test-support/spawn-neuron.js";

/**
 * A real cortex with `[join] token` and no `[[neurons]]`, and real neurons (the tiny model on CPU) that
 * register themselves with `[join]` in neuron.toml or `--join`/`--join-token`: no gateway config edit.
 */
const JOIN_TOKEN = "fleet-join-secret-4242";
const NEURON_TOKEN = "neuron-own-token-7777";
let cortex: SpawnedCortex;
const neurons: SpawnedNeuron[] = [];

interface HealthBody {
  neurons: Array<{ name: string; healthy: boolean }>;
}

async function health(): Promise<HealthBody> {
  return (await (await fetch(`${cortex.url}/health`)).json()) as HealthBody;
}

async function chat(): Promise<Response> {
  return fetch(`${cortex.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "Hi" }], max_tokens: 2 }),
  });
}

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), "cortex-join-"));
  const config = join(folder, "cortex.toml");
  await writeFile(
    config,
    [
      "[gateway]",
      'listen = "127.0.0.1:0"',
      'metrics_listen = "127.0.0.1:0"',
      "poll_interval_ms = 300",
      "[join]",
      `token = "${JOIN_TOKEN}"`,
      "ttl_ms = 3000",
      "",
    ].join("\n"),
  );
  cortex = await spawnCortex(config);
}, 60_000);

afterAll(async () => {
  await Promise.all(neurons.map((neuron) => neuron.kill("SIGKILL")));
  await cortex?.stop();
});

describe("neurons joining a cortex by themselves", () => {
  it("a neuron with [join] in neuron.toml is routed to; it leaves on SIGTERM", async () => {
    const neuron = await spawnTinyNeuron({
      authToken: NEURON_TOKEN,
      extraToml: ["[join]", `url = "${cortex.url}"`, `token = "${JOIN_TOKEN}"`, 'name = "joiner-1"'],
    });
    neurons.push(neuron);
    await waitFor(() => neuron.lines.some((line) => line.includes('"event":"joined"')), 50);
    await waitForHealth((body) => body.neurons.some((node) => node.name === "joiner-1" && node.healthy));
    const response = await chat();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { model: string }).model).toBe("tiny");
    // cortex calls the neuron with the token the registration handed over (the neuron refuses others).
    expect((await fetch(`${neuron.url}/models`)).status).toBe(401);

    // cortex's ttl_ms (3 s) is shorter than the neuron's default heartbeat (10 s): the neuron renews every
    // ttl / 3 instead, says so, and stays in the fleet across more than one ttl.
    expect(neuron.lines.some((line) => line.includes('"event":"heartbeat_interval_shortened"'))).toBe(true);
    const watchUntil = Date.now() + 4_000;
    let reads = 0;
    while (Date.now() < watchUntil || reads < 5) {
      expect((await health()).neurons.map((node) => node.name)).toContain("joiner-1");
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The neuron leaves before it drains: cortex drops it without waiting for the registration to expire.
    neuron.child.kill("SIGTERM");
    await waitForHealth((body) => !body.neurons.some((node) => node.name === "joiner-1"));
    expect(cortex.lines.some((line) => line.includes('"event":"node_left"'))).toBe(true);
  }, 120_000);

  it("--join/--join-token register a neuron; a wrong token is logged as refused, never echoed", async () => {
    const wrong = await spawnTinyNeuron({
      preload: false,
      extraToml: ["[join]", 'name = "joiner-wrong"', "heartbeat_interval_ms = 200"],
      args: ["--join", cortex.url, "--join-token", "not-the-join-token"],
    });
    neurons.push(wrong);
    await waitFor(() => wrong.lines.some((line) => line.includes('"event":"join_failed"')), 50);
    const failed = wrong.lines.find((line) => line.includes('"event":"join_failed"')) ?? "";
    expect(failed).toContain("401");
    expect(failed).toContain("invalid or missing join token");
    for (const line of [...wrong.lines, ...cortex.lines]) {
      expect(line).not.toContain("not-the-join-token");
      expect(line).not.toContain(JOIN_TOKEN);
      expect(line).not.toContain(NEURON_TOKEN);
    }
    expect((await health()).neurons.some((node) => node.name === "joiner-wrong")).toBe(false);

    const right = await spawnTinyNeuron({
      extraToml: ["[join]", 'name = "joiner-2"'],
      args: ["--join", cortex.url, "--join-token", JOIN_TOKEN],
    });
    neurons.push(right);
    await waitForHealth((body) => body.neurons.some((node) => node.name === "joiner-2" && node.healthy));
    expect((await chat()).status).toBe(200);
  }, 120_000);

  it("--join-token without a cortex URL, or a wildcard host without advertise_url, exits 2 with one line", async () => {
    await expect(spawnTinyNeuron({ preload: false, args: ["--join-token", JOIN_TOKEN] })).rejects.toThrow(
      "--join needs a cortex URL",
    );
    await expect(
      spawnTinyNeuron({
        preload: false,
        host: "0.0.0.0",
        authToken: NEURON_TOKEN,
        args: ["--join", cortex.url, "--join-token", JOIN_TOKEN],
      }),
    ).rejects.toThrow("set [join] advertise_url");
  }, 60_000);

  it("a registration that stops being renewed expires (the neuron was SIGKILLed: no leave)", async () => {
    const neuron = await spawnTinyNeuron({
      preload: false,
      extraToml: ["[join]", `url = "${cortex.url}"`, `token = "${JOIN_TOKEN}"`, 'name = "joiner-3"'],
    });
    neurons.push(neuron);
    await waitForHealth((body) => body.neurons.some((node) => node.name === "joiner-3"));
    await neuron.kill("SIGKILL");
    // ttl_ms = 3000: the registration expires and the next sync drops the node.
    await waitForHealth((body) => !body.neurons.some((node) => node.name === "joiner-3"));
  }, 120_000);
});

async function waitForHealth(done: (body: HealthBody) => boolean): Promise<void> {
  for (;;) {
    if (done(await health())) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
