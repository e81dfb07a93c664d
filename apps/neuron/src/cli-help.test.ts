import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { neuronCommands } from "./cli-commands.js";

// The built CLI: every command's --help exits 0 and names every flag the command accepts; misuse exits 2
// with one line on stderr naming the problem.
const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");
const run = (args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 60_000 });

describe("neuron --help", () => {
  it("lists every command; no arguments print it to stderr and exit 2", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    for (const command of neuronCommands) expect(result.stdout).toContain(command.synopsis);
    const bare = run([]);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain("neuron serve --config FILE");
  });

  it.each(neuronCommands.map((command) => [command.name, command] as const))(
    "neuron %s --help exits 0 and names each of its flags",
    (name, command) => {
      for (const args of [
        [name, "--help"],
        [name, "-h"],
        ["help", name],
      ]) {
        const result = run(args);
        expect(result.status, args.join(" ")).toBe(0);
        expect(result.stdout).toContain(`Usage: ${command.synopsis}`);
        for (const option of command.options) expect(result.stdout).toContain(`--${option.name}`);
        expect(result.stderr).toBe("");
      }
    },
  );

  it.each(neuronCommands.map((command) => command.name))("neuron %s --no-such-flag exits 2", (name) => {
    const result = run([name, "--no-such-flag"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `neuron: ${name}: unknown option '--no-such-flag' (see \`neuron ${name} --help\`)\n`,
    );
  });

  it("an unknown command, a missing argument or an extra one exits 2", () => {
    expect(run(["frobnicate"])).toMatchObject({
      status: 2,
      stderr: "neuron: unknown command 'frobnicate' (see `neuron --help`)\n",
    });
    expect(run(["pull"])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("pull: missing <uri>"),
    });
    expect(run(["models", "extra"])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("models: unexpected argument 'extra'"),
    });
  });
});
