export {
  admissionRetryAfterSecs,
  MAX_ADMISSION_RETRY_AFTER_SECS,
  MIN_ADMISSION_RETRY_AFTER_SECS,
} from "./admission/admission-retry-after-secs.js";
export { CLIENT_ADVICE_HEADER, clientAdvice } from "./advice/client-advice.js";
export { requestedChoices } from "./budget/requested-choices.js";
export { type ReservationInput, reservationTokens } from "./budget/reservation-tokens.js";
export {
  CANONICAL_OUTPUT_LIMIT_FIELD,
  DEFAULT_COMPLETIONS_MAX_TOKENS,
  DEFAULT_OUTPUT_LIMIT,
  type GenerationRoute,
  type OutputLimitContext,
  type OutputLimitField,
  requestedOutputLimit,
  resolveOutputLimit,
} from "./budget/resolve-output-limit.js";
export { applyEnvOverrides } from "./config/apply-env-overrides.js";
export {
  type ApiKeyConfig,
  apiKeyConfigSchema,
  type BudgetWindow,
  budgetWindowSchema,
  type CortexConfig,
  cortexConfigSchema,
  type JoinConfig,
  joinConfigSchema,
  type KeyRole,
  keyRoleSchema,
  type NeuronEndpointConfig,
  neuronEndpointConfigSchema,
} from "./config/cortex-config.js";
export {
  type CatalogueModel,
  catalogueModelSchema,
  type ModelsCatalogue,
  modelsCatalogueSchema,
} from "./config/models-catalogue.js";
export {
  type AdmissionConfig,
  admissionConfigSchema,
  type NeuronConfig,
  type NeuronJoinConfig,
  type NeuronModelConfig,
  neuronConfigSchema,
  neuronJoinConfigSchema,
  neuronModelConfigSchema,
} from "./config/neuron-config.js";
export { type ParseConfigResult, parseConfig } from "./config/parse-config.js";
export { createClientErrorListener } from "./errors/client-error-listener.js";
export {
  adminRequired,
  chainedConversationNotSupported,
  clientClosedRequest,
  conflict,
  contextLengthExceeded,
  crossOriginRefused,
  imagePartUnsupported,
  insufficientQuota,
  invalidAnthropicBody,
  invalidApiKey,
  invalidJoinToken,
  invalidRequest,
  malformedHttpRequest,
  methodNotAllowed,
  missingModelField,
  modelNotFound,
  type PromptField,
  payloadTooLarge,
  rateLimitExceeded,
  requestHeadersTooLarge,
  requestTimeout,
  responseNotFound,
  routeNotFound,
  templateRenderFailed,
  unknownTarget,
  visionUnsupported,
} from "./errors/client-errors.js";
export { errorFromUpstream } from "./errors/error-from-upstream.js";
export { formatZodIssue } from "./errors/format-zod-issue.js";
export {
  fromAnthropicError,
  type MappedAnthropicError,
  openAiErrorTypeForStatus,
} from "./errors/from-anthropic-error.js";
export { HelexaError, type HelexaErrorOptions, type OpenAiErrorType } from "./errors/helexa-error.js";
export {
  type AnthropicErrorEnvelope,
  anthropicErrorEnvelopeSchema,
  type OpenAiErrorEnvelope,
  openAiErrorEnvelopeSchema,
  type RenderedError,
  renderAnthropicError,
  renderOpenAiError,
  toAnthropicErrorType,
} from "./errors/render-error.js";
export {
  cudaUnavailable,
  generationFailed,
  INSUFFICIENT_VRAM_RETRY_AFTER_SECS,
  insufficientVram,
  internalError,
  internalTranslationError,
  modelLoadFailed,
  modelOverloaded,
  neuronActionFailed,
  serviceUnavailable,
  upstreamError,
  upstreamMalformedResponse,
  upstreamStatusError,
  upstreamTimeout,
} from "./errors/server-errors.js";
export {
  DEFAULT_CHARS_PER_TOKEN,
  type EstimatePromptTokensOptions,
  estimatePromptTokens,
} from "./estimate/estimate-prompt-tokens.js";
export {
  INFILL_CHUNK_ALLOWANCE_TOKENS,
  type PromptTokensUpperBoundOptions,
  promptTokensUpperBound,
  TEMPLATE_ALLOWANCE_TOKENS,
  TOOLS_ALLOWANCE_TOKENS,
} from "./estimate/prompt-tokens-upper-bound.js";
export { buildEvictionInput } from "./eviction/build-eviction-input.js";
export {
  type EvictionInput,
  type EvictionPlan,
  type EvictionStrategy,
  evictionStrategySchema,
  planEviction,
} from "./eviction/plan-eviction.js";
export {
  type FleetDevice,
  type FleetDeviceHealth,
  type FleetModelEntry,
  type FleetNode,
  type FleetSnapshot,
  fleetDeviceHealthSchema,
  fleetDeviceSchema,
  fleetModelEntrySchema,
  fleetNodeSchema,
  fleetSnapshotSchema,
  isNodeRoutable,
} from "./fleet/fleet-snapshot.js";
export {
  MAX_PREFIX_BLOCKS,
  PREFIX_BLOCK_CHARS,
  prefixBlockHashes,
} from "./prefix/prefix-block-hashes.js";
export { type PrefixCacheSummary, prefixCacheSummarySchema } from "./prefix/prefix-cache-summary.js";
export {
  type CacheRanking,
  type CacheRouteRequest,
  DEFAULT_CACHE_LOAD_FACTOR,
  expectedCachedTokens,
  type RankByCacheOptions,
  rankByCache,
} from "./prefix/rank-by-cache.js";
export { SUMMARY_TAIL_BLOCKS, summarizePrefixBlocks } from "./prefix/summarize-prefix-blocks.js";
export { withoutVolatileLines } from "./prefix/without-volatile-lines.js";
export { buildLoadSpec, qualifiedModelId } from "./routing/build-load-spec.js";
export { indexFleet } from "./routing/index-fleet.js";
export {
  type IndexedFleet,
  type IndexedNode,
  isIndexedFleet,
  type ModelHolders,
} from "./routing/indexed-fleet.js";
export { isFeasibleOn } from "./routing/is-feasible-on.js";
export { type PlanRouteOptions, planRoute } from "./routing/plan-route.js";
export { compareReplicaLoad, type ReplicaLoad, replicaLoad } from "./routing/replica-load.js";
export { resolveAlias } from "./routing/resolve-alias.js";
export {
  MODEL_RECOVERING_RETRY_AFTER_SECS,
  NO_CAPACITY_RETRY_AFTER_SECS,
  NO_HEALTHY_NODES_RETRY_AFTER_SECS,
  type PlanRouteResult,
  type RouteCandidate,
  type RoutePlan,
  type RouteReason,
  type RouteRefusal,
} from "./routing/route-plan.js";
export { routeRefusalToError } from "./routing/route-refusal-to-error.js";
export { freeVramMb, selectLoadDevices } from "./routing/select-load-devices.js";
export { type CompletionPrompt, completionPromptSchema } from "./wire/completion-prompt.js";
export { credentialFreeUrlSchema, hasUrlCredentials } from "./wire/credential-free-url-schema.js";
export { type DeviceInfo, type Discovery, deviceInfoSchema, discoverySchema } from "./wire/discovery.js";
export { exceedsJsonDepth, maxJsonSchemaDepth } from "./wire/exceeds-json-depth.js";
export {
  type Activation,
  activationSchema,
  type DeviceHealth,
  deviceHealthSchema,
  type Health,
  healthSchema,
  type LoadProgress,
  loadProgressSchema,
  type ModelLoad,
  modelLoadSchema,
} from "./wire/health.js";
export {
  type JoinReply,
  type JoinRequest,
  joinReplySchema,
  joinRequestSchema,
  type LeaveRequest,
  leaveRequestSchema,
} from "./wire/join.js";
export { jsonSchemaObjectSchema } from "./wire/json-schema-object.js";
export {
  type EndpointReply,
  endpointReplySchema,
  type LifecycleReply,
  type LoadSpec,
  lifecycleReplySchema,
  loadSpecSchema,
  type UnloadSpec,
  unloadSpecSchema,
} from "./wire/load-spec.js";
export { maxMessages } from "./wire/max-messages.js";
export {
  type ModelCost,
  type ModelInfo,
  type ModelLimit,
  type ModelList,
  type ModelStatus,
  modelCostSchema,
  modelInfoSchema,
  modelLimitSchema,
  modelListSchema,
  modelStatusSchema,
} from "./wire/models.js";
export { readRequestText } from "./wire/read-request-text.js";
export { redactUrlCredentials } from "./wire/redact-url-credentials.js";
export { logitBiasSchema, samplingRangeFields } from "./wire/sampling-range-fields.js";
export { type BuildInfo, buildInfoSchema } from "./wire/version.js";
