/** Prop handling shared by every construct: defaults in one place, clear errors. */
import { InvalidPropsError } from '../invalid-props-error.ts';

/** The props once defaults are applied: every defaulted prop is present. */
export type Defaulted<P, D> = Omit<P, keyof D> & { readonly [K in keyof D & keyof P]-?: Exclude<P[K], undefined> };

/**
 * Applies a construct's defaults: a prop the caller left undefined takes the
 * default, anything else is kept.
 */
export function withDefaults<P extends object, D extends { [K in keyof P]?: Exclude<P[K], undefined> }>(props: P, defaults: D): Defaulted<P, D> {
  const result: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(props)) if (value !== undefined) result[key] = value;
  return result as Defaulted<P, D>;
}

/** Throws `<Construct> <id>: <message>` when a prop, or a pair of props, is unusable. */
export function requireProps(condition: boolean, construct: string, id: string, message: string): asserts condition {
  if (!condition) throw new InvalidPropsError(`${construct} ${id}: ${message}`);
}
