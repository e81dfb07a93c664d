/** JSON read loosely for assertions: every property path type-checks; values are checked at runtime. */
export type Loose = { readonly [key: string]: Loose };

/** A response body as `Loose`. */
export async function readLoose(response: Response): Promise<Loose> {
  return (await response.json()) as Loose;
}

/** A `Loose` value that is an array. */
export function list(value: Loose | undefined): Loose[] {
  if (!Array.isArray(value)) throw new Error(`expected an array, got ${JSON.stringify(value)}`);
  return value as Loose[];
}
