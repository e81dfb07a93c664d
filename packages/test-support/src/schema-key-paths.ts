/** The parts of a zod 4 schema's definition that the walk reads. */
interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
  options?: Array<{ _zod: { def: SchemaDef } }>;
  in?: { _zod: { def: SchemaDef } };
}

/**
 * Every key path a zod object schema accepts, dotted (`admission.max_queue_depth`; an array of tables
 * contributes its element's keys: `models.id`). Records and scalars end a path. For checking that an
 * example config documents every key the loader takes.
 */
export function schemaKeyPaths(schema: unknown): string[] {
  const paths: string[] = [];
  const walk = (def: SchemaDef, prefix: string) => {
    switch (def.type) {
      case "object":
        for (const [key, child] of Object.entries(def.shape ?? {})) {
          const path = prefix === "" ? key : `${prefix}.${key}`;
          paths.push(path);
          walk(child._zod.def, path);
        }
        return;
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "catch":
        if (def.innerType) walk(def.innerType._zod.def, prefix);
        return;
      case "array":
        if (def.element) walk(def.element._zod.def, prefix);
        return;
      case "pipe":
        if (def.in) walk(def.in._zod.def, prefix);
        return;
      case "union":
        for (const option of def.options ?? []) walk(option._zod.def, prefix);
        return;
      default:
        return;
    }
  };
  walk((schema as { _zod: { def: SchemaDef } })._zod.def, "");
  return [...new Set(paths)];
}
