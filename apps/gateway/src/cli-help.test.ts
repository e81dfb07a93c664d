import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cortexCommands } from "./cli-commands.js";
import { USAGE_HELP } from "./entitlements/usage-command.js";
import { startFakeNeuron } from "./test-support/fake-neuron.js";
import { CORTEX_CLI, spawnCortex } from "./test-support/spawn-cortex.js";

// The built CLI: every command's --help exits 0 and names every flag it accepts; misuse exits 2 with one
// line naming the problem; `cortex status` exits 1 naming what it could not reach.
const run = (args: string[], cwd?: string) =>
  spawnSync(process.execPath, [CORTEX_CLI, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    ...(cwd ? { cwd } : {}),
  });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("cortex --help", () => {
  it("lists every command; no arguments print it to stderr and exit 2", () => {
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    for (const command of cortexCommands) expect(help.stdout).toContain(command.synopsis);
    const bare = run([]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain("cortex serve --config FILE");
  });

  it.each(cortexCommands.map((command) => [command.name, command] as const))(
    "cortex %s --help exits 0 and names each of its flags",
    (name, command) => {
      for (const args of [
        [name, "--help"],
        [name, "-h"],
        ["help", name],
      ]) {
        const result = run(args);
        expect(result.status, `${args.join(" ")}: ${result.stderr}`).toBe(0);
        expect(result.stdout).toContain(`Usage: ${command.synopsis}`);
        for (const option of command.options) expect(result.stdout).toContain(`--${option.name}`);
        expect(result.stderr).toBe("");
      }
    },
  );

  it("the usage table lists every flag `cortex usage` itself parses", () => {
    const table = cortexCommands
      .find((command) => command.name === "usage")
      ?.options.map((option) => option.name);
    const parsed = [...USAGE_HELP.matchAll(/--([a-z][a-z-]*)/g)].map((match) => match[1]);
    expect(parsed.filter((flag) => !table?.includes(flag ?? ""))).toEqual([]);
  });

  it.each(cortexCommands.map((command) => command.name))("cortex %s --no-such-flag exits 2", (name) => {
    const result = run([name, "--no-such-flag"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `cortex: ${name}: unknown option '--no-such-flag' (see \`cortex ${name} --help\`)\n`,
    );
  });

  it("an unknown command or a stray argument exits 2", () => {
    expect(run(["frobnicate"])).toMatchObject({
      status: 2,
      stderr: "cortex: unknown command 'frobnicate' (see `cortex --help`)\n",
    });
    expect(run(["status", "extra"])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("status: unexpected argument 'extra'"),
    });
  });
});

describe("cortex status", () => {
  it("exits 1 naming cortex's URL when cortex cannot be reached", async () => {
    const port = await closedPort();
    const result = run(["status", "--url", `http://127.0.0.1:${port}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `cortex status: cannot reach cortex at http://127.0.0.1:${port}/health: ECONNREFUSED\n`,
    );
  });

  it("exits 1 when a neuron is down, naming it and the endpoint from cortex.toml", async () => {
    const neuron = await startFakeNeuron();
    cleanups.push(() => neuron.close());
    const deadPort = await closedPort();
    const folder = await mkdtemp(join(tmpdir(), "cortex-status-"));
    const config = join(folder, "cortex.toml");
    await writeFile(
      config,
      `[gateway]\nlisten = "127.0.0.1:0"\nmetrics_listen = "127.0.0.1:0"\npoll_interval_ms = 100\n\n` +
        `[[neurons]]\nname = "up"\nendpoint = "${neuron.url}"\n\n` +
        `[[neurons]]\nname = "gone"\nendpoint = "http://127.0.0.1:${deadPort}/secret-path"\n`,
    );
    const cortex = await spawnCortex(config);
    cleanups.push(() => cortex.stop());
    for (;;) {
      const health = (await (await fetch(`${cortex.url}/health`)).json()) as {
        neurons: Array<{ name: string; healthy: boolean; error: string | null }>;
      };
      const gone = health.neurons.some(
        (node) => node.name === "gone" && !node.healthy && node.error !== null,
      );
      if (gone && health.neurons.some((node) => node.name === "up" && node.healthy)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // From the config's folder, ./cortex.toml names the endpoint cortex could not reach.
    const result = run(["status", "--url", cortex.url], folder);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("cortex: ok (1/2 nodes healthy)");
    expect(result.stderr).toMatch(
      new RegExp(
        `^cortex status: degraded: 1 neuron down\\n  neuron gone at http://127\\.0\\.0\\.1:${deadPort}/secret-path is down: \\S`,
      ),
    );
    // Without a config the neuron is still named.
    const bare = run(["status", "--url", cortex.url], tmpdir());
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain("  neuron gone is down: ");
  });
});
