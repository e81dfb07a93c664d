import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, waitFor } from "./test-support/post-json.js";
import { consumeSse, sseData } from "./test-support/read-sse.js";
import { tinyModelFile } from "./test-support/tiny-model-file.js";

// The built CLI as a real process: help, version, config errors, listening line, SIGTERM drain.
const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");
let dir: string;

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // `close`, not `exit`: Node may fire `exit` while the pipes still hold the child's last output, which the
  // tests read once this resolves.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "neuron-cli-"));
  const model = await tinyModelFile();
  // The minimal config from the issue, with the model path relative to the config file; the long drain
  // bound keeps the SIGTERM test below from depending on how fast a loaded host generates 1,500 tokens.
  await writeFile(join(dir, "tiny.gguf"), await (await import("node:fs/promises")).readFile(model));
  await writeFile(
    join(dir, "neuron.toml"),
    `port = 13131\nthreads = 1\ngpu = "auto"\ndrain_timeout_secs = 600\n\n[admission]\nmax_queue_depth = 2\nmax_wait_secs = 30\n\n[[models]]\nid = "tiny"\npath = "tiny.gguf"\ncontext_size = 2048\nsequences = 2\npreload = true\n`,
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("neuron CLI", () => {
  it("prints help and version", async () => {
    const help = run(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.output().stdout).toContain("neuron serve --config FILE [--port N]");
    const version = run(["--version"]);
    expect(await version.exited).toBe(0);
    expect(version.output().stdout).toMatch(/^neuron \d+\.\d+\.\d+ \(/);
  });

  it("exits 2 naming the file and field on a bad config", async () => {
    await writeFile(join(dir, "bad.toml"), `[[models]]\nid = "x"\npath = "a.gguf"\nsequences = "two"\n`);
    const bad = run(["serve", "--config", join(dir, "bad.toml")]);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain("bad.toml: models[0].sequences");
    const unknown = run(["serve", "--bogus"]);
    expect(await unknown.exited).toBe(2);
  });

  it("serves the minimal config, logs the listening line, and drains on SIGTERM", async () => {
    const neuron = run(["serve", "--config", join(dir, "neuron.toml"), "--port", "0"], {
      NEURON_LOG_LEVEL: "info",
    });
    let child: ChildProcess | undefined = neuron.child;
    try {
      const url = await waitFor(
        () => {
          const line = neuron
            .output()
            .stdout.split("\n")
            .find((row) => row.includes('"event":"listening"'));
          return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
        },
        180_000,
        "the listening line",
      );
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await waitFor(
        async () => {
          const health = (await (await fetch(`${url}/health`)).json()) as { activation: { state: string } };
          return health.activation.state === "ready" ? true : undefined;
        },
        180_000,
        "preload",
      );
      const stream = await postJson(`${url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
        temperature: 0,
        max_tokens: 1500,
        stream: true,
      });
      expect(stream.status).toBe(200);
      let signalled = false;
      let duringDrain = 0;
      const events = await consumeSse(stream, async () => {
        if (signalled) return;
        signalled = true;
        neuron.child.kill("SIGTERM");
        await waitFor(
          async () =>
            ((await (await fetch(`${url}/health`)).json()) as { draining?: boolean }).draining === true ||
            undefined,
          60_000,
          "draining",
        );
        duringDrain = (
          await postJson(`${url}/v1/chat/completions`, {
            model: "tiny",
            messages: [{ role: "user", content: "late" }],
          })
        ).status;
      });
      // The running request finished normally; a new one was refused while draining.
      const data = sseData(events) as Array<{ choices?: Array<{ finish_reason: string | null }> } | "[DONE]">;
      expect(data.at(-1)).toBe("[DONE]");
      expect((data.at(-2) as { choices: Array<{ finish_reason: string }> }).choices[0]?.finish_reason).toBe(
        "length",
      );
      expect(duringDrain).toBe(503);
      expect(await neuron.exited).toBe(0);
      child = undefined;
    } finally {
      child?.kill("SIGKILL");
    }
    // Starting, loading and generating 1,500 tokens on one thread: over a minute on a loaded 2-core host. The
    // bound is against a hang only.
  }, 600_000);
});
