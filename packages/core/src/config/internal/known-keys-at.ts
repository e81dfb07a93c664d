import type { z } from "zod";

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
}

/**
 * The keys an object schema accepts at `path` (through defaults, optionals, arrays and unions), so an
 * unknown key can be answered with the closest valid one. Empty when the path reaches no object.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const object of objectsAt(schema, path)) {
    for (const key of Object.keys(object)) keys.add(key);
  }
  return [...keys];
}

function objectsAt(schema: z.ZodType, path: readonly PropertyKey[]): Record<string, z.ZodType>[] {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return def.innerType === undefined ? [] : objectsAt(def.innerType, path);
    case "pipe":
      return def.in === undefined ? [] : objectsAt(def.in, path);
    case "union":
      return (def.options ?? []).flatMap((option) => objectsAt(option, path));
    case "array": {
      const [head, ...rest] = path;
      if (def.element === undefined || typeof head !== "number") return [];
      return objectsAt(def.element, rest);
    }
    case "record": {
      if (path.length === 0 || def.valueType === undefined) return [];
      return objectsAt(def.valueType, path.slice(1));
    }
    case "object": {
      const shape = def.shape ?? {};
      if (path.length === 0) return [shape];
      const [head, ...rest] = path;
      const child = typeof head === "string" ? shape[head] : undefined;
      return child === undefined ? [] : objectsAt(child, rest);
    }
    default:
      return [];
  }
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}
