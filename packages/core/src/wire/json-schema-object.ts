import { z } from "zod";
import { exceedsJsonDepth, maxJsonSchemaDepth } from "./exceeds-json-depth.js";

/**
 * A JSON Schema object in a request (tool `parameters`, `response_format` schemas, Anthropic
 * `input_schema`), at most `maxJsonSchemaDepth` levels deep; cortex and the neuron validate it alike.
 */
export const jsonSchemaObjectSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => !exceedsJsonDepth(value, maxJsonSchemaDepth), {
    message: `expected a JSON schema nested at most ${maxJsonSchemaDepth} levels deep`,
  });
