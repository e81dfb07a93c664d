import { afterEach } from "vitest";
import { type FakeNeuron, type FakeNeuronOptions, startFakeNeuron } from "./fake-neuron.js";

/** Gives a test file a `neuron(options)` starter whose fake neurons are all closed after each test. */
export function useFakeNeurons(): (options?: FakeNeuronOptions) => Promise<FakeNeuron> {
  const neurons: FakeNeuron[] = [];
  afterEach(async () => {
    await Promise.all(neurons.splice(0).map((neuron) => neuron.close()));
  });
  return async (options = {}) => {
    const started = await startFakeNeuron(options);
    neurons.push(started);
    return started;
  };
}
