import type { CatalogueModel } from "@helexa/core";

/**
 * Pins or unpins a catalogue model on a node at run time: it changes the model's `pinned_on` in the
 * catalogue cortex routes with, which has the same meaning as in `models.toml` (only the listed nodes may
 * cold-load it, and it is never evicted from them). Kept in memory: a restart goes back to `models.toml`.
 * Returns the model's `pinned_on` after the change.
 */
export function pinModel(model: CatalogueModel, node: string, pinned: boolean): readonly string[] {
  const at = model.pinned_on.indexOf(node);
  if (pinned && at === -1) model.pinned_on.push(node);
  if (!pinned && at !== -1) model.pinned_on.splice(at, 1);
  return [...model.pinned_on];
}
