export { createServiceGroup, type ServiceGroup } from "./create-service-group.js";
export { documentedTomlKeys } from "./documented-toml-keys.js";
export { fetchModelRow, type ModelRow } from "./fetch-model-row.js";
export { type FuzzSettings, fuzzSettings } from "./fuzz-settings.js";
export {
  applyMutations,
  bodyText,
  deepJsonText,
  edgeBody,
  hostileValue,
  type Mutation,
  mutations,
} from "./hostile-bodies.js";
export { isGrammarFailure } from "./is-grammar-failure.js";
export { killLeftovers } from "./kill-leftovers.js";
export { leakPattern } from "./leak-pattern.js";
export { type RawHttpReply, rawHttpExchange } from "./raw-http-exchange.js";
export { schemaKeyPaths } from "./schema-key-paths.js";
export {
  type ListeningLine,
  type SpawnedService,
  type SpawnServiceOptions,
  spawnService,
} from "./spawn-service.js";
export { waitFor } from "./wait-for.js";
