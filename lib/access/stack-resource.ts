/**
 * What a stack's resources look like to the engine, and the lookups an
 * attribute computation may make across the stacks: apart from StackSet,
 * which implements them, so the computations need not import it.
 */
import type { Step, TfValue } from './terraform-template.ts';

/** Where a resource lives. */
export interface Location {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** A resource or data source of a stack. */
export interface StackResource {
  readonly stack: string;
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** `aws_iam_role.X` or `data.aws_region.Y`. */
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Lookups across the given stacks. */
export interface StackLookup {
  /** Every resource (or data source) of a type, in every stack. */
  resources(type: string, mode?: 'resource' | 'data'): StackResource[];
  /** Where a resource lives: its provider's account, region and partition. */
  location(res: StackResource): Location;
  /** A field of a resource's configuration, with its references resolved. */
  field(res: StackResource, key: string): TfValue;
  has(res: StackResource, key: string): boolean;
  /** An attribute of a resource as AWS (or Terraform) would give it. */
  attribute(stackName: string, mode: 'resource' | 'data', type: string, name: string, steps: readonly Step[], text?: string): TfValue;
  /** The resource of a type, in an account and region, that matches. */
  findBy(type: string, where: Location, matches: (res: StackResource) => boolean): StackResource | undefined;
}
