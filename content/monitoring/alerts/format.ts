/** A ratio (0–1) as a percentage for annotations: 0.05 → `5%`. */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}
