/**
 * `items` rotated left by `round` places: over as many rounds as there are items, each runs first once (and
 * in each place once), so no arm of a comparison always gets the cooler or the warmer machine.
 */
export function rotateOrder<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = ((round % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
