import type { ChildProcess } from "node:child_process";

/** Every service child this process started that has not exited yet. */
export const runningChildren = new Set<ChildProcess>();

let exitHookAdded = false;

/**
 * Registers `child` until it exits. The first call also adds a process `exit` hook that SIGKILLs whatever
 * is still running, so a test run that ends abruptly leaves no neuron or cortex behind (added on first use,
 * not at import time).
 */
export function trackChild(child: ChildProcess): void {
  if (!exitHookAdded) {
    exitHookAdded = true;
    process.once("exit", () => {
      for (const running of runningChildren) running.kill("SIGKILL");
    });
  }
  runningChildren.add(child);
  child.once("exit", () => runningChildren.delete(child));
}
