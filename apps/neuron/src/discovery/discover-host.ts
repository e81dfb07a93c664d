import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { hostname, release, type } from "node:os";
import type { DeviceInfo } from "@helexa/core";
import { classifyDriverMismatch, parseCudaVersion, parseGpuInventory } from "./parse-nvidia-smi.js";

/** The static part of `/discovery`, gathered once at start-up. */
export interface HostInventory {
  hostname: string;
  os: string;
  kernel: string;
  cudaVersion: string | null;
  driverVersion: string | null;
  devices: DeviceInfo[];
  cudaUnavailableReason?: string;
}

/** Runs a command; resolves with stdout+stderr and whether it succeeded. Never rejects. */
export function run(command: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` });
    });
  });
}

/** Host, OS, GPUs (nvidia-smi) and CUDA toolkit (nvcc). No nvidia-smi is a CPU host, not an error. */
export async function discoverHost(): Promise<HostInventory> {
  const base = { hostname: hostname(), os: type(), kernel: release() };
  const smi = await run("nvidia-smi", [
    "--query-gpu=index,name,memory.total,compute_cap,driver_version",
    "--format=csv,noheader,nounits",
  ]);
  const nvcc = await run("nvcc", ["--version"]);
  const cudaVersion = nvcc.ok ? parseCudaVersion(nvcc.output) : null;
  if (!smi.ok) {
    const proc = await readFile("/proc/driver/nvidia/version", "utf8").catch(() => null);
    const reason = classifyDriverMismatch(smi.output, proc);
    return {
      ...base,
      cudaVersion,
      driverVersion: null,
      devices: [],
      ...(reason === null ? {} : { cudaUnavailableReason: reason }),
    };
  }
  try {
    const { devices, driverVersion } = parseGpuInventory(smi.output);
    return { ...base, cudaVersion, driverVersion, devices };
  } catch {
    return { ...base, cudaVersion, driverVersion: null, devices: [] };
  }
}
