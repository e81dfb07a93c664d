import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { applySpecQuirks, type ComponentSchemas, QUIRK_COMPONENTS } from "./spec-quirks.js";
import { toJsonSchema } from "./to-json-schema.js";

/** OpenAI's published OpenAPI spec (MIT, see `openai-spec/LICENSE`), kept in the repo beside the suite. */
const SPEC_URL = new URL("../../openai-spec/openapi.yaml", import.meta.url);
const SPEC_ID = "https://helexa.invalid/openai-openapi.json";

/** Validation of replies against the spec's component schemas. */
export interface OpenAiContract {
  /** What is wrong with `value` as a `component` (`"CreateChatCompletionResponse"`, …); empty when it conforms. */
  violations(component: string, value: unknown): string[];
  /**
   * The component a Responses stream event of this `type` is held to: the `ResponseStreamEvent` branch
   * whose `type` enum names it (the spec's `discriminator`, applied here instead of trying every branch, so
   * a failure names one schema). Undefined for a type OpenAI does not send.
   */
  streamEventComponent(type: string): string | undefined;
  /**
   * Compiles every schema the suite holds replies to (the reply components, the quirks' and each Responses
   * stream event's) now, in a `beforeAll`: compiling blocks for seconds, and a client connection left idle
   * that long between two requests is closed by the server under the next one.
   */
  precompile(): void;
}

/** The spec's components that OpenAI-shaped replies are held to. */
export const REPLY_COMPONENTS = [
  "CreateChatCompletionResponse",
  "CreateChatCompletionStreamResponse",
  "CreateCompletionResponse",
  "Response",
  "ResponseStreamEvent",
  "ListModelsResponse",
  "Model",
  "ErrorResponse",
] as const;

let loaded: OpenAiContract | undefined;

/**
 * The contract, built once per test file: parses the spec (about a second), converts its schemas to JSON
 * Schema 2020-12 (`toJsonSchema`), applies `applySpecQuirks`, and compiles a component on first use.
 * Formats: `uri` and `date` are checked; `unixtime`, `double`, `float`, `int64`, `binary` and `png` are
 * labels on `integer` / `number` / `string` and are accepted as such.
 */
export function openAiContract(): OpenAiContract {
  loaded ??= buildContract();
  return loaded;
}

function buildContract(): OpenAiContract {
  const spec = parse(readFileSync(SPEC_URL, "utf8"), { maxAliasCount: -1 }) as {
    components: { schemas: Record<string, unknown> };
  };
  const schemas = toJsonSchema(spec.components.schemas) as ComponentSchemas;
  applySpecQuirks(schemas);
  // strict: false: the spec carries `x-*` annotations and keywords such as `deprecated` beside `$ref`.
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats.default(ajv, ["uri", "date", "date-time"]);
  for (const label of ["unixtime", "double", "float", "int64", "binary", "png"]) ajv.addFormat(label, true);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });

  const compiled = new Map<string, ValidateFunction>();
  const validator = (component: string): ValidateFunction => {
    const cached = compiled.get(component);
    if (cached !== undefined) return cached;
    if (schemas[component] === undefined) throw new Error(`the OpenAI spec has no component ${component}`);
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${component}`);
    if (validate === undefined) throw new Error(`could not compile ${component}`);
    compiled.set(component, validate);
    return validate;
  };

  const eventComponents = new Map<string, string>();
  for (const branch of (schemas.ResponseStreamEvent?.anyOf ?? []) as Array<{ $ref?: string }>) {
    const name = branch.$ref?.split("/").pop();
    const type = name === undefined ? undefined : schemas[name]?.properties;
    const names = ((type as Record<string, { enum?: unknown[] }> | undefined)?.type?.enum ?? []) as string[];
    for (const eventType of names) if (name !== undefined) eventComponents.set(eventType, name);
  }

  return {
    violations(component, value) {
      const validate = validator(component);
      if (validate(value)) return [];
      return (validate.errors ?? []).slice(0, 20).map(describe);
    },
    streamEventComponent: (type) => eventComponents.get(type),
    precompile() {
      const quirks = Object.values(QUIRK_COMPONENTS);
      for (const component of [...REPLY_COMPONENTS, ...quirks, ...eventComponents.values()])
        validator(component);
    },
  };
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(root)" : error.instancePath;
  return `${where} ${error.message ?? error.keyword} ${JSON.stringify(error.params)} [${error.schemaPath}]`;
}
