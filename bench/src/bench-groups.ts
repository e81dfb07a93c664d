import type { BenchGroup } from "./bench-types.js";
import { cacheGroup } from "./groups/cache-group.js";
import { fleetGroup } from "./groups/fleet-group.js";
import { gatewayGroup } from "./groups/gateway-group.js";
import { memoryGroup } from "./groups/memory-group.js";
import { neuronGroup } from "./groups/neuron-group.js";
import { routingGroup } from "./groups/routing-group.js";
import { streamingGroup } from "./groups/streaming-group.js";

/** Every group `pnpm bench` knows, in the order it runs them. */
export const benchGroups: readonly BenchGroup[] = [
  gatewayGroup,
  streamingGroup,
  neuronGroup,
  routingGroup,
  memoryGroup,
  cacheGroup,
  fleetGroup,
];
