import { describe, expect, it } from "vitest";
import {
  classifyDriverMismatch,
  parseCudaVersion,
  parseGpuHealth,
  parseGpuInventory,
} from "./parse-nvidia-smi.js";

describe("nvidia-smi parsing", () => {
  it("parses a single GPU", () => {
    const parsed = parseGpuInventory("0, NVIDIA GeForce RTX 5090, 32614, 12.0, 570.86.16\n");
    expect(parsed.devices).toEqual([
      { index: 0, name: "NVIDIA GeForce RTX 5090", vram_total_mb: 32614, compute_capability: "12.0" },
    ]);
    expect(parsed.driverVersion).toBe("570.86.16");
  });

  it("parses several GPUs and names with commas", () => {
    const parsed = parseGpuInventory("0, A, 100, 8.0, 1.2\n1, Weird, Name, 200, 9.0, 1.2\n");
    expect(parsed.devices.map((device) => device.name)).toEqual(["A", "Weird, Name"]);
    expect(parsed.devices[1]?.vram_total_mb).toBe(200);
  });

  it("returns nothing for empty output and throws on malformed lines", () => {
    expect(parseGpuInventory("").devices).toEqual([]);
    expect(() => parseGpuInventory("garbage")).toThrow();
  });

  it("parses live health for several GPUs", () => {
    expect(parseGpuHealth("0, 8192, 24372, 45, 62\n1, 10, 20, 0, 30\n")).toEqual([
      { index: 0, vram_used_mb: 8192, vram_free_mb: 24372, utilization_pct: 45, temp_c: 62 },
      { index: 1, vram_used_mb: 10, vram_free_mb: 20, utilization_pct: 0, temp_c: 30 },
    ]);
  });

  it("reads the CUDA release from nvcc", () => {
    expect(parseCudaVersion("Cuda compilation tools, release 12.8, V12.8.93")).toBe("12.8");
    expect(parseCudaVersion("nothing")).toBeNull();
  });

  it("classifies a driver/library mismatch with both versions, or unknown", () => {
    const reason = classifyDriverMismatch(
      "Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 570.124",
      "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.16  Wed",
    );
    expect(reason).toContain("570.124");
    expect(reason).toContain("570.86.16");
    expect(reason).toContain("reboot the host");
    expect(classifyDriverMismatch("Driver/library version mismatch", null)).toContain("unknown");
    expect(classifyDriverMismatch("NVIDIA-SMI has failed", null)).toBeNull();
  });
});
