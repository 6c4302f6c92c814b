/**
 * Resources of synthesized stacks, with typed reads of their attributes and of
 * the Terraform references between them (`${aws_x.Name.attr}`).
 */
import { isObject, providerRegion, type JsonObject, type JsonValue, type SynthesizedStack } from './stacks.ts';

export interface TfResource {
  readonly stack: string;
  /** The stack's directory, for the assets resources point at. */
  readonly stackDir: string;
  readonly type: string;
  readonly name: string;
  /** `<type>.<name>`, as Terraform addresses it inside its stack. */
  readonly address: string;
  readonly region: string;
  readonly attrs: JsonObject;
}

/** Every managed resource of a stack, with the Region its provider runs in. */
export function resourcesOf(stack: SynthesizedStack): TfResource[] {
  return Object.entries(stack.json.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, attrs]) => ({
      stack: stack.name,
      stackDir: stack.dir,
      type,
      name,
      address: `${type}.${name}`,
      region: providerRegion(stack, typeof attrs.provider === 'string' ? attrs.provider : undefined),
      attrs,
    })),
  );
}

/** Where a resource is, for messages and line items: `<stack>/<address>`. */
export function where(resource: TfResource): string {
  return `${resource.stack}/${resource.address}`;
}

export function str(attrs: JsonObject, key: string): string | undefined {
  const value = attrs[key];
  return typeof value === 'string' ? value : undefined;
}

/** A number, also when cdktf wrote it as a numeric string. */
export function num(attrs: JsonObject, key: string): number | undefined {
  const value = attrs[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** A boolean, also when cdktf wrote it as "true" or "false". */
export function bool(attrs: JsonObject, key: string): boolean | undefined {
  const value = attrs[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

/** A nested block: cdktf writes single blocks as objects, some as one-element lists. */
export function block(attrs: JsonObject, key: string): JsonObject | undefined {
  const value = attrs[key];
  if (isObject(value)) return value;
  if (Array.isArray(value) && isObject(value[0])) return value[0];
  return undefined;
}

export function list(attrs: JsonObject, key: string): readonly JsonValue[] {
  const value = attrs[key];
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** A value that is exactly one reference, `${type.name.attr…}`, split into its parts (the path after the attribute is dropped). */
export function reference(value: JsonValue | undefined): { readonly type: string; readonly name: string; readonly attribute: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)[^}]*\}$/.exec(value);
  return match ? { type: match[1]!, name: match[2]!, attribute: match[3]! } : undefined;
}

/** The resource in the same stack a reference points at, if it is a managed resource there. */
export function resolve(from: TfResource, value: JsonValue | undefined, all: readonly TfResource[]): TfResource | undefined {
  const ref = reference(value);
  if (!ref || (typeof value === 'string' && value.startsWith('${data.'))) return undefined;
  return all.find((r) => r.stack === from.stack && r.type === ref.type && r.name === ref.name);
}
