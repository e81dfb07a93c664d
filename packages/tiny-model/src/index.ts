export { defaultTinyModelPath } from "./default-tiny-model-path.js";
export { type EnsuredTinyModel, ensureTinyModel } from "./ensure-tiny-model.js";
export { generateScriptedModel } from "./generate-scripted-model.js";
export { generateTinyModel } from "./generate-tiny-model.js";
export type { ScriptedModelOptions } from "./scripted-model-options.js";
export type { TinyModelOptions } from "./tiny-model-options.js";
export { type WrittenTinyModel, writeTinyModel } from "./write-tiny-model.js";
