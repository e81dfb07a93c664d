import type { DeviceHealth, DeviceInfo } from "@helexa/core";

/**
 * Parses `nvidia-smi --query-gpu=index,name,memory.total,compute_cap,driver_version --format=csv,noheader,nounits`.
 * The name may contain commas, so the line splits on the first comma and the last three.
 */
export function parseGpuInventory(output: string): { devices: DeviceInfo[]; driverVersion: string | null } {
  const devices: DeviceInfo[] = [];
  let driverVersion: string | null = null;
  for (const line of output
    .split("\n")
    .map((row) => row.trim())
    .filter(Boolean)) {
    const fields = line.split(",").map((field) => field.trim());
    if (fields.length < 5) throw new Error(`unexpected nvidia-smi line: ${line}`);
    const [index, ...rest] = fields;
    const driver = rest.pop() as string;
    const capability = rest.pop() as string;
    const memory = rest.pop() as string;
    const parsedIndex = Number(index);
    const vram = Number(memory);
    if (!Number.isInteger(parsedIndex) || !Number.isFinite(vram))
      throw new Error(`unexpected nvidia-smi line: ${line}`);
    devices.push({
      index: parsedIndex,
      name: rest.join(", "),
      vram_total_mb: vram,
      compute_capability: capability,
    });
    driverVersion ??= driver;
  }
  return { devices, driverVersion };
}

/** Parses `nvidia-smi --query-gpu=index,memory.used,memory.free,utilization.gpu,temperature.gpu --format=csv,noheader,nounits`. */
export function parseGpuHealth(output: string): DeviceHealth[] {
  return output
    .split("\n")
    .map((row) => row.trim())
    .filter(Boolean)
    .map((line) => {
      const [index, used, free, utilization, temperature] = line
        .split(",")
        .map((field) => Number(field.trim()));
      return {
        index: index ?? 0,
        vram_used_mb: used ?? 0,
        vram_free_mb: free ?? 0,
        utilization_pct: Number.isFinite(utilization) ? (utilization as number) : 0,
        temp_c: Number.isFinite(temperature) ? (temperature as number) : 0,
      };
    })
    .filter((device) => Number.isFinite(device.index) && Number.isFinite(device.vram_used_mb));
}

/** `release 12.8` from `nvcc --version`, or null. */
export function parseCudaVersion(output: string): string | null {
  return /release (\d+\.\d+)/.exec(output)?.[1] ?? null;
}

/**
 * A host whose NVIDIA userspace does not match its kernel module cannot run CUDA until reboot; says so
 * in words an operator can act on. Other failures return null.
 */
export function classifyDriverMismatch(smiOutput: string, procVersion: string | null): string | null {
  if (!smiOutput.includes("Driver/library version mismatch")) return null;
  const nvml = /NVML library version:\s*([0-9.]+)/.exec(smiOutput)?.[1] ?? "unknown";
  const kernel = /NVRM version:.*?(\d+\.\d+(?:\.\d+)?)/.exec(procVersion ?? "")?.[1] ?? "unknown";
  return `host NVIDIA driver/library mismatch (userspace NVML ${nvml} vs loaded kernel module ${kernel}) — reboot the host to reload the kernel module; all CUDA inference is unavailable until then`;
}
