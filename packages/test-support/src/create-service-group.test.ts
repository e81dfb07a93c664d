import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceGroup } from "./create-service-group.js";
import { killLeftovers } from "./kill-leftovers.js";

// Logs its name, then its listening line, and exits 0 on SIGTERM.
const fakeService = `
const name = process.argv[2];
console.log("hello from " + name);
console.log(JSON.stringify({ event: "listening", url: "http://127.0.0.1:9/" + name }));
process.on("SIGTERM", () => process.exit(0));
setInterval(() => {}, 1_000_000);
`;

let scripts = "";
let cli = "";
beforeAll(async () => {
  scripts = await mkdtemp(join(tmpdir(), "helexa-service-group-test-"));
  cli = join(scripts, "fake-service.mjs");
  await writeFile(cli, fakeService);
});
afterAll(async () => {
  killLeftovers();
  await rm(scripts, { recursive: true, force: true });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("createServiceGroup", () => {
  it("starts services, reports a dead one with its output, stops the rest in reverse order and removes its folder", async () => {
    const group = await createServiceGroup("helexa-service-group-");
    expect(await exists(group.folder)).toBe(true);
    const first = await group.spawn({ name: "first", cli, args: ["first"], timeoutMs: 60_000 });
    const second = await group.spawn({ name: "second", cli, args: ["second"], timeoutMs: 60_000 });
    const third = await group.spawn({ name: "third", cli, args: ["third"], timeoutMs: 60_000 });
    expect(third.listening.url).toBe("http://127.0.0.1:9/third");
    expect(group.logs()).toMatch(/^--- first\n[\s\S]*--- second\n[\s\S]*--- third\n/);
    expect(group.logs()).toContain("hello from second");
    group.assertRunning();

    const secondExit = new Promise((resolve) => second.child.once("exit", resolve));
    second.child.kill("SIGKILL");
    await secondExit;
    expect(() => group.assertRunning()).toThrow(
      /^second is no longer running \(signal SIGKILL\); its last output:\n[\s\S]*hello from second/,
    );

    const exits: string[] = [];
    for (const service of [first, third]) service.child.once("exit", () => exits.push(service.name));
    await group.stop();
    expect(exits).toEqual(["third", "first"]);
    expect([first.ended(), third.ended()]).toEqual(["exit code 0", "exit code 0"]);
    expect(await exists(group.folder)).toBe(false);
  });

  it("stops cleanly when nothing was started", async () => {
    const group = await createServiceGroup("helexa-service-group-");
    await group.stop();
    expect(await exists(group.folder)).toBe(false);
    expect(group.logs()).toBe("");
  });
});
