import { runningChildren } from "./internal/running-children.js";

/**
 * SIGKILLs every child `spawnService` started in this process that has not exited yet: for a suite's
 * `afterAll`, after its orderly `stop()`, so a failed start or stop leaves nothing running.
 */
export function killLeftovers(): void {
  for (const child of runningChildren) child.kill("SIGKILL");
}
