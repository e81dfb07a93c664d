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
  removeHostStatesWhere((owner) => owner === pid);
}

/** Removes every kept-state directory whose worker pid `matches`; returns how many went. */
function removeHostStatesWhere(matches: (pid: number) => boolean): number {
  const root = hostStatesRoot();
  let removed = 0;
  try {
    for (const name of readdirSync(root)) {
      const pid = /^helexa-kv-(\d+)-/.exec(name)?.[1];
      if (pid === undefined || !matches(Number(pid))) continue;
      rmSync(join(root, name), { recursive: true, force: true });
      removed++;
    }
  } catch {
    // Nothing to remove, or not ours to remove.
  }
  return removed;
}

/** Whether a process with this pid exists here (one owned by another user counts: EPERM). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes kept states whose worker process no longer exists: a neuron killed with its workers (SIGKILL, a
 * crash, a power cut) never ran `removeHostStates`, and tmpfs holds them in host memory until reboot. A live
 * pid's states are left alone, whoever owns them (another neuron on the same host). Neurons in separate pid
 * namespaces that share one `/dev/shm` would see each other's workers as gone: a state swept that way is only
 * a lost cache entry (the sequence pool recomputes when a save or restore fails). Returns how many went.
 */
export function removeOrphanedHostStates(): number {
  return removeHostStatesWhere((pid) => !isAlive(pid));
}
