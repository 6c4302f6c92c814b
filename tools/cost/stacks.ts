/**
 * Reads synthesized stacks (`cdktf.out/stacks/<stack>/cdk.tf.json`) as plain
 * JSON, without cdktf or its provider packages, and groups them by the
 * environment each one belongs to.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** The parts of a stack's Terraform JSON the estimator reads. */
export interface StackJson {
  readonly provider?: Readonly<Record<string, readonly JsonObject[]>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
}

export interface SynthesizedStack {
  readonly name: string;
  /** The stack's directory, which holds its assets (local Helm charts); empty for a stack built in memory. */
  readonly dir: string;
  readonly json: StackJson;
}

/** An unreadable or malformed synthesized output: names the file and the problem. */
export class StackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackInputError';
  }
}

/** Every stack under `<outdir>/stacks`, by name. */
export function readStacks(outdir: string): SynthesizedStack[] {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) throw new StackInputError(`${outdir} holds no synthesized stacks (no ${stacksDir}); run \`npm run synth\` first`);
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => {
      const file = join(stacksDir, name, 'cdk.tf.json');
      if (!existsSync(file)) return [];
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new StackInputError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!isObject(json)) throw new StackInputError(`${file} is not a Terraform JSON object`);
      return [{ name, dir: join(stacksDir, name), json: json as StackJson }];
    });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Region of a stack's provider: the default one, or the aliased one a resource names (`aws.dr`). */
export function providerRegion(stack: SynthesizedStack, providerRef?: string): string {
  const aws = stack.json.provider?.aws ?? [];
  const alias = providerRef?.startsWith('aws.') ? providerRef.slice(4) : undefined;
  const block = alias ? aws.find((p) => p.alias === alias) : aws.find((p) => p.alias === undefined);
  const region = block?.region;
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new StackInputError(`${stack.name}: the aws provider${alias ? ` "${alias}"` : ''} has no literal region (found ${JSON.stringify(region)})`);
  }
  return region;
}

/** The `environment` default tag of a stack's default AWS provider, which every stack sets. */
export function environmentTag(stack: SynthesizedStack): string | undefined {
  const provider = (stack.json.provider?.aws ?? []).find((p) => p.alias === undefined);
  const defaultTags = provider?.default_tags;
  const first = Array.isArray(defaultTags) ? defaultTags[0] : defaultTags;
  const tags = isObject(first) ? first.tags : undefined;
  const environment = isObject(tags) ? tags.environment : undefined;
  return typeof environment === 'string' ? environment : undefined;
}

/** One environment's stacks. A standby's stacks other than its always-on one run only after a failover. */
export interface EnvironmentStacks {
  readonly name: string;
  readonly stacks: readonly SynthesizedStack[];
  /** Stacks that nothing applies until a failover: costed apart from the monthly total. */
  readonly failoverOnlyStacks: readonly string[];
}

/**
 * Groups stacks by environment: the provider's `environment` tag, else the
 * stack name (`hexabid-<env>`, `-k8s`, `-standby`). An environment with a
 * `hexabid-<env>-standby` stack is a pilot-light standby (environments/stack-names.ts):
 * only that stack runs before a failover.
 */
export function groupByEnvironment(stacks: readonly SynthesizedStack[], name?: string): EnvironmentStacks[] {
  const groups = new Map<string, SynthesizedStack[]>();
  for (const stack of stacks) {
    const environment = name ?? environmentTag(stack) ?? /^hexabid-(.+?)(?:-k8s|-standby)?$/.exec(stack.name)?.[1];
    if (!environment) throw new StackInputError(`cannot tell which environment stack ${stack.name} belongs to: no environment tag on its aws provider`);
    groups.set(environment, [...(groups.get(environment) ?? []), stack]);
  }
  return [...groups].map(([environment, members]) => {
    const standby = members.find((s) => s.name.endsWith('-standby'));
    return { name: environment, stacks: members, failoverOnlyStacks: standby ? members.filter((s) => s !== standby).map((s) => s.name) : [] };
  });
}
