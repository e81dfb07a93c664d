import type { DeviceHealth } from "@helexa/core";
import { run } from "./discover-host.js";
import { parseGpuHealth } from "./parse-nvidia-smi.js";

/** Live per-GPU readings from nvidia-smi every `intervalMs`; keeps the last good reading on failure. */
export class DeviceHealthPoller {
  #latest: DeviceHealth[] = [];
  #timer: NodeJS.Timeout | undefined;

  get latest(): DeviceHealth[] {
    return this.#latest;
  }

  start(intervalMs: number): void {
    const poll = async () => {
      const result = await run("nvidia-smi", [
        "--query-gpu=index,memory.used,memory.free,utilization.gpu,temperature.gpu",
        "--format=csv,noheader,nounits",
      ]);
      if (result.ok) this.#latest = parseGpuHealth(result.output);
    };
    void poll();
    this.#timer = setInterval(() => void poll(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
