import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SpawnedService, type SpawnServiceOptions, spawnService } from "./spawn-service.js";

/** The processes of one test fleet (neurons, then cortex) and the temp folder their files live in. */
export interface ServiceGroup {
  /** A fresh temp folder for the fleet's configs, models and ledgers; `stop()` removes it. */
  folder: string;
  /** Starts a service with `spawnService` and adds it to the group. */
  spawn(options: SpawnServiceOptions): Promise<SpawnedService>;
  /** Every service's recent output, each under a `--- name` line, for failure messages. */
  logs(): string;
  /**
   * Throws, with the dead process's last 30 lines, if a service of the group is no longer running (a crash
   * then shows up as its stack trace instead of every later test's connection error).
   */
  assertRunning(): void;
  /**
   * Stops the services in reverse order of start (cortex before the neurons it routes to), each with
   * SIGTERM then SIGKILL, and removes the folder. Safe to call after a failed start.
   */
  stop(): Promise<void>;
}

/** Makes a temp folder named `<prefix>XXXXXX` and an empty group of services; the methods need no `this`. */
export async function createServiceGroup(prefix: string): Promise<ServiceGroup> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  const services: SpawnedService[] = [];
  return {
    folder,
    spawn: async (options) => {
      const service = await spawnService(options);
      services.push(service);
      return service;
    },
    logs: () => services.map((service) => `--- ${service.name}\n${service.output.join("\n")}`).join("\n"),
    assertRunning: () => {
      for (const service of services) {
        const how = service.ended();
        if (how === undefined) continue;
        const tail = service.output.slice(-30).join("\n");
        throw new Error(`${service.name} is no longer running (${how}); its last output:\n${tail}`);
      }
    },
    stop: async () => {
      for (const service of [...services].reverse()) await service.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
