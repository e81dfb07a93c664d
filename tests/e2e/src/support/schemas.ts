import { z } from "zod";

/** A tool whose single argument is an enum, so the grammar-forced call is short and checkable. */
export const weatherToolParameters = {
  type: "object" as const,
  properties: { city: { type: "string", enum: ["Paris", "Oslo", "Lima"] } },
  required: ["city"],
  additionalProperties: false,
};

/** What `weatherToolParameters` accepts, for checking parsed arguments. */
export const weatherArguments = z.object({ city: z.enum(["Paris", "Oslo", "Lima"]) }).strict();

/**
 * A structured-output schema: a bounded string (the tiny model never closes a free one by itself), an
 * enum and a boolean. No numbers: the engine's number grammar allows exponents, which `counterSchema`
 * checks on its own.
 */
export const petSchema = z
  .object({
    name: z.string().max(24),
    kind: z.enum(["cat", "dog", "fish"]),
    vaccinated: z.boolean(),
  })
  .strict();

/** `petSchema` as the JSON Schema a client sends (strict mode: every property required, no extras). */
export const petJsonSchema = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 24 },
    kind: { type: "string", enum: ["cat", "dog", "fish"] },
    vaccinated: { type: "boolean" },
  },
  required: ["name", "kind", "vaccinated"],
  additionalProperties: false,
} as const;

/** An integer property, as JSON Schema: a client expects a JSON integer back (no fraction, no exponent). */
export const counterJsonSchema = {
  type: "object",
  properties: { count: { type: "integer" } },
  required: ["count"],
  additionalProperties: false,
} as const;

/** What `counterJsonSchema` promises once parsed: a finite integer. */
export const counterSchema = z.object({ count: z.number().int() }).strict();
