import { describe, expect, it } from "vitest";
import { createProgressReporter, formatBytes } from "./create-progress-reporter.js";

function recorder(isTTY: boolean) {
  let clock = 0;
  const writes: string[] = [];
  const reporter = createProgressReporter({
    isTTY,
    write: (text) => writes.push(text),
    now: () => clock,
    intervalMs: 5000,
  });
  return { reporter, writes, advance: (ms: number) => (clock += ms) };
}

describe("createProgressReporter", () => {
  it("prints plain lines every interval off a terminal, with rate and ETA", () => {
    const { reporter, writes, advance } = recorder(false);
    const mib = 1024 * 1024;
    reporter.update(0, 100 * mib);
    advance(1000);
    reporter.update(10 * mib, 100 * mib); // within the interval: not printed
    advance(4000);
    reporter.update(50 * mib, 100 * mib);
    reporter.finish();
    expect(writes).toEqual([
      "  0%  0 B / 100.0 MiB\n",
      " 50%  50.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:05\n",
      " 50%  50.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:05\n",
    ]);
  });

  it("counts only this run's bytes in the rate when resuming, and redraws on a terminal", () => {
    const { reporter, writes, advance } = recorder(true);
    const gib = 1024 ** 3;
    reporter.update(gib, 2 * gib);
    advance(2000);
    reporter.update(gib + 200 * 1024 * 1024, 2 * gib);
    reporter.finish();
    expect(writes[1]).toBe("\r\x1b[2K 59%  1.2 GiB / 2.0 GiB  100.0 MiB/s  ETA 0:08");
    expect(writes.at(-1)).toBe("\n");
    expect(writes.slice(0, -1).every((text) => text.startsWith("\r\x1b[2K"))).toBe(true);
  });

  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3 * 1024 ** 4)).toBe("3.0 TiB");
  });
});
