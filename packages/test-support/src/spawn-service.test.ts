import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killLeftovers } from "./kill-leftovers.js";
import { spawnService } from "./spawn-service.js";
import { waitFor } from "./wait-for.js";

// A stand-in for cortex and the neuron: what it does is chosen by its first argument.
const fakeService = `
const mode = process.argv[2];
const listening = (url) => console.log(JSON.stringify({ level: "info", event: "listening", url, metrics_url: url + "/metrics" }));
const stayUp = () => setInterval(() => {}, 1_000_000);
if (mode === "listen") {
  process.on("SIGTERM", () => process.exit(0));
  console.error("warming up on stderr");
  console.log('not yet: "event":"listening" is coming');
  listening(process.env.FAKE_URL);
  stayUp();
} else if (mode === "stubborn") {
  process.on("SIGTERM", () => console.log("SIGTERM ignored"));
  listening("http://127.0.0.1:1");
  stayUp();
} else if (mode === "crash") {
  console.log(JSON.stringify({ level: "info", event: "starting" }));
  console.error("Error: boom at startup");
  process.exitCode = 3;
} else {
  console.log(JSON.stringify({ level: "info", event: "starting" }));
  stayUp();
}
`;

let folder = "";
let cli = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "helexa-spawn-service-"));
  cli = join(folder, "fake-service.mjs");
  await writeFile(cli, fakeService);
});
afterAll(async () => {
  killLeftovers();
  await rm(folder, { recursive: true, force: true });
});

const start = (mode: string, timeoutMs = 60_000) =>
  spawnService({
    name: `fake-${mode}`,
    cli,
    args: [mode],
    env: { FAKE_URL: "http://127.0.0.1:9" },
    timeoutMs,
  });

describe("spawnService", () => {
  it("resolves with the parsed listening line, keeps both streams' lines and stops on SIGTERM", async () => {
    const service = await start("listen");
    expect(service.listening).toMatchObject({
      url: "http://127.0.0.1:9",
      metrics_url: "http://127.0.0.1:9/metrics",
    });
    expect(service.ended()).toBeUndefined();
    await waitFor(
      () => (service.output.includes("warming up on stderr") ? true : undefined),
      30_000,
      "the stderr line in the output",
    );
    expect(await service.stop()).toBe(0);
    expect(service.ended()).toBe("exit code 0");
    expect(await service.stop()).toBe(0);
  });

  it("SIGKILLs a service that ignores SIGTERM once the grace period is over", async () => {
    const service = await start("stubborn");
    expect(await service.stop(100)).toBeNull();
    expect(service.ended()).toBe("signal SIGKILL");
  });

  it("rejects with the exit and the last lines when the service exits before listening", async () => {
    await expect(start("crash")).rejects.toThrow(
      /fake-crash exited \(exit code 3\) before listening:[\s\S]*Error: boom at startup/,
    );
  });

  it("rejects and kills the service when no listening line comes in time", async () => {
    await expect(start("silent", 300)).rejects.toThrow(
      "fake-silent did not log its listening line in 300 ms",
    );
  });

  it("killLeftovers SIGKILLs every service still running", async () => {
    const service = await start("stubborn");
    const exited = new Promise((resolve) => service.child.once("exit", resolve));
    killLeftovers();
    await exited;
    expect(service.ended()).toBe("signal SIGKILL");
  });
});
