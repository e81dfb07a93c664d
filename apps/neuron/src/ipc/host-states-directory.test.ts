import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  hostStatesDirectoryPrefix,
  removeHostStates,
  removeOrphanedHostStates,
} from "./host-states-directory.js";

// A pid no live process has here (above the kernel's default pid_max), so no real worker's states are touched;
// "another" worker is this test process, alive, so a neuron sweeping orphans at the same time leaves it.
const gone = 4_000_001;
const made: string[] = [];

afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});

describe("removeHostStates", () => {
  it("removes the kept states of one worker process and leaves another's", () => {
    const mine = mkdtempSync(hostStatesDirectoryPrefix(gone));
    const theirs = mkdtempSync(hostStatesDirectoryPrefix(process.pid));
    made.push(mine, theirs);
    writeFileSync(join(mine, "0.kv"), "state");
    writeFileSync(join(theirs, "0.kv"), "state");
    removeHostStates(gone);
    expect(existsSync(mine)).toBe(false);
    expect(existsSync(join(theirs, "0.kv"))).toBe(true);
  });
});

describe("removeOrphanedHostStates", () => {
  it("removes the kept states of processes that are gone and keeps a live process's", () => {
    const orphan = mkdtempSync(hostStatesDirectoryPrefix(gone));
    const live = mkdtempSync(hostStatesDirectoryPrefix(process.pid));
    made.push(orphan, live);
    writeFileSync(join(orphan, "0.kv"), "state");
    writeFileSync(join(live, "0.kv"), "state");
    // A neuron starting in another test file may sweep the orphan first: what is left is what counts.
    removeOrphanedHostStates();
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(join(live, "0.kv"))).toBe(true);
  });
});
