import { existsSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where kept KV states go: tmpfs (host memory) where the host has it. */
function hostStatesRoot(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

/**
 * The `mkdtemp` prefix of a worker's kept-state directory: `helexa-kv-<pid>-`, so the supervisor can remove
 * what a killed worker left behind (`removeHostStates`).
 */
export function hostStatesDirectoryPrefix(pid: number): string {
  return join(hostStatesRoot(), `helexa-kv-${pid}-`);
}

/** Removes the kept states of worker `pid` (it exited, maybe killed before it could clean up). */
export function removeHostStates(pid: number): void {
  const root = hostStatesRoot();
  const prefix = `helexa-kv-${pid}-`;
  try {
    for (const name of readdirSync(root))
      if (name.startsWith(prefix)) rmSync(join(root, name), { recursive: true, force: true });
  } catch {
    // Nothing to remove, or not ours to remove.
  }
}
