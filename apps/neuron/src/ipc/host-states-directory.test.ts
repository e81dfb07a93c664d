import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostStatesDirectoryPrefix, removeHostStates } from "./host-states-directory.js";

// Pids no live process has here (above the kernel's default pid_max), so no real worker's states are touched.
const gone = 4_000_001;
const other = 4_000_002;
const made: string[] = [];

afterAll(() => {
  for (const directory of made) rmSync(directory, { recursive: true, force: true });
});

describe("removeHostStates", () => {
  it("removes the kept states of one worker process and leaves another's", () => {
    const mine = mkdtempSync(hostStatesDirectoryPrefix(gone));
    const theirs = mkdtempSync(hostStatesDirectoryPrefix(other));
    made.push(mine, theirs);
    writeFileSync(join(mine, "0.kv"), "state");
    writeFileSync(join(theirs, "0.kv"), "state");
    removeHostStates(gone);
    expect(existsSync(mine)).toBe(false);
    expect(existsSync(join(theirs, "0.kv"))).toBe(true);
  });
});
