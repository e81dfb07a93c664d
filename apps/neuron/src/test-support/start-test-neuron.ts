import type { ResolvedNeuronConfig } from "../config/resolved-neuron-config.js";
import type { HostInventory } from "../discovery/discover-host.js";
import { type RunningNeuron, type StartNeuronOptions, startNeuron } from "../start-neuron.js";

/** A CPU host's inventory, so tests never shell out to nvidia-smi. */
export const cpuInventory: HostInventory = {
  hostname: "test-host",
  os: "Linux",
  kernel: "6.0.0",
  cudaVersion: null,
  driverVersion: null,
  devices: [],
};

/** Starts a neuron on an ephemeral loopback port with real forked workers and waits for its preloads. */
export async function startTestNeuron(
  config: ResolvedNeuronConfig,
  options: Partial<StartNeuronOptions> = {},
): Promise<RunningNeuron> {
  const neuron = await startNeuron({ config, inventory: cpuInventory, probe: false, port: 0, ...options });
  await neuron.preloaded;
  return neuron;
}
