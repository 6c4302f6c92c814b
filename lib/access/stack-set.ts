import { parseArn, partitionOf } from './arn.ts';
import { Placeholders } from './placeholders.ts';
import { computedAttribute } from './resource-attributes.ts';
import type { Location, StackLookup, StackResource } from './stack-resource.ts';
import { renderDeep, renderTemplate, type Step, TemplateError, type TfValue, traverse } from './terraform-template.ts';

/** One synthesized stack: its name and its Terraform JSON. */
export interface StackInput {
  readonly stackName: string;
  readonly json: unknown;
}

/** A reference or field the engine cannot resolve; the load stops here. */
export class AccessModelLoadError extends Error {
  constructor(readonly stack: string, readonly address: string, problem: string) {
    super(`${stack} ${address}: ${problem}`);
    this.name = 'AccessModelLoadError';
  }
}

interface Provider extends Location {
  readonly defaultTags: Readonly<Record<string, string>>;
}

interface LoadedStack {
  readonly name: string;
  readonly json: Record<string, any>;
  readonly providers: Map<string, Provider>;
  readonly backend?: { readonly bucket?: string; readonly key?: string; readonly region?: string };
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function first<T>(value: T | readonly T[] | undefined): T | undefined {
  return Array.isArray(value) ? (value as T[])[0] : (value as T | undefined);
}

/**
 * Every given stack, indexed: providers (region, account, default tags),
 * resources and data sources, and the links between stacks (remote state
 * by backend key, data sources that look up another stack's resources).
 * Resolves any reference a policy uses to the value AWS would give it.
 */
export class StackSet implements StackLookup {
  private readonly stacks = new Map<string, LoadedStack>();
  private readonly memo = new Map<string, TfValue>();
  private readonly inProgress = new Set<string>();

  constructor(inputs: readonly StackInput[]) {
    for (const input of inputs) {
      if (this.stacks.has(input.stackName)) throw new AccessModelLoadError(input.stackName, 'stack', 'the stack name is given twice');
      if (!isRecord(input.json)) throw new AccessModelLoadError(input.stackName, 'stack', 'the stack JSON is not an object');
      this.stacks.set(input.stackName, { name: input.stackName, json: input.json, providers: new Map() });
    }
    for (const stack of this.stacks.values()) this.loadProviders(stack);
  }

  /** Stack names in the order given. */
  get stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  private stack(name: string): LoadedStack {
    const stack = this.stacks.get(name);
    if (!stack) throw new Error(`no stack named ${name}`);
    return stack;
  }

  private loadProviders(stack: LoadedStack): void {
    const backend = first(stack.json['terraform']?.['backend']?.['s3']) as Record<string, unknown> | undefined;
    if (backend) {
      (stack as { backend?: LoadedStack['backend'] }).backend = {
        bucket: backend['bucket'] as string,
        key: backend['key'] as string,
        region: backend['region'] as string,
      };
    }
    const aws = stack.json['provider']?.['aws'];
    const list: Record<string, any>[] = Array.isArray(aws) ? aws : aws ? [aws] : [];
    for (const config of list) {
      const alias = (config['alias'] as string | undefined) ?? '';
      const where = `provider.aws${alias ? `.${alias}` : ''}`;
      const region = config['region'];
      if (typeof region !== 'string' || region.includes('${')) throw new AccessModelLoadError(stack.name, where, 'the provider needs a literal region');
      let account: string | undefined;
      const assume = first(config['assume_role']) as Record<string, unknown> | undefined;
      if (assume?.['role_arn'] !== undefined) {
        const roleArn = assume['role_arn'];
        account = typeof roleArn === 'string' ? parseArn(roleArn)?.account : undefined;
        if (!account || account.includes('${')) throw new AccessModelLoadError(stack.name, where, `cannot tell the account of assume_role.role_arn ${JSON.stringify(roleArn)}`);
      } else {
        const ids = config['allowed_account_ids'];
        if (!Array.isArray(ids) || ids.length !== 1) {
          throw new AccessModelLoadError(stack.name, where, 'the provider must name its account: one allowed_account_ids entry, or assume_role.role_arn');
        }
        account = String(ids[0]);
      }
      const tags = (first(config['default_tags']) as Record<string, any> | undefined)?.['tags'] ?? {};
      stack.providers.set(alias, { region, account, partition: partitionOf(region), defaultTags: tags });
    }
  }

  /** Every resource (or data source) of a type, across all stacks. */
  resources(type: string, mode: 'resource' | 'data' = 'resource'): StackResource[] {
    const out: StackResource[] = [];
    for (const stack of this.stacks.values()) {
      const byName = (mode === 'resource' ? stack.json['resource'] : stack.json['data'])?.[type];
      if (!isRecord(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        out.push({ stack: stack.name, mode, type, name, address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`, body });
      }
    }
    return out;
  }

  /** Every resource type present in any stack. */
  resourceTypes(): string[] {
    const types = new Set<string>();
    for (const stack of this.stacks.values()) Object.keys(stack.json['resource'] ?? {}).forEach((t) => types.add(t));
    return [...types].sort();
  }

  /** The resource or data source at an address, if it exists. */
  get(stackName: string, mode: 'resource' | 'data', type: string, name: string): StackResource | undefined {
    const stack = this.stack(stackName);
    const body = (mode === 'resource' ? stack.json['resource'] : stack.json['data'])?.[type]?.[name];
    if (!isRecord(body)) return undefined;
    return { stack: stackName, mode, type, name, address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`, body };
  }

  private provider(res: StackResource): Provider {
    const stack = this.stack(res.stack);
    const ref = res.body['provider'];
    const alias = typeof ref === 'string' ? ref.replace(/^aws\.?/, '') : '';
    if (typeof ref === 'string' && !ref.startsWith('aws')) throw new AccessModelLoadError(res.stack, res.address, `provider ${ref} is not an AWS provider`);
    const provider = stack.providers.get(alias);
    if (!provider) throw new AccessModelLoadError(res.stack, res.address, `no AWS provider${alias ? ` with alias ${alias}` : ''} in the stack`);
    return provider;
  }

  /** The account, region and partition a resource lives in (its own `region` argument wins). */
  location(res: StackResource): Location {
    const provider = this.provider(res);
    const own = res.body['region'];
    const region = typeof own === 'string' ? (this.field(res, 'region') as string) : provider.region;
    return { account: provider.account, region, partition: partitionOf(region) };
  }

  /** The region of the stack's default AWS provider, if it has one. */
  defaultRegion(stackName: string): string | undefined {
    return this.stack(stackName).providers.get('')?.region;
  }

  /** Resource tags merged over the provider's default tags, as `tags_all`. */
  tags(res: StackResource): Record<string, string> {
    const own = res.body['tags'] === undefined ? {} : (this.field(res, 'tags') as Record<string, string>);
    return { ...this.provider(res).defaultTags, ...own };
  }

  /** A configuration argument with every interpolation resolved. */
  field(res: StackResource, key: string): TfValue {
    const raw = res.body[key];
    if (raw === undefined) throw new AccessModelLoadError(res.stack, res.address, `has no ${key}`);
    return this.render(res, raw, key);
  }

  /** Whether a configuration argument is set. */
  has(res: StackResource, key: string): boolean {
    return res.body[key] !== undefined;
  }

  /**
   * Renders a value in a resource's stack; any failure names the stack, the
   * resource, the field and the expression that could not be resolved.
   */
  render(res: StackResource, raw: unknown, field: string): TfValue {
    try {
      return renderDeep(raw, (root, steps, text) => this.reference(res.stack, root, steps, text));
    } catch (error) {
      if (error instanceof AccessModelLoadError && error.address.startsWith(`${res.address} `)) throw error;
      const reason = error instanceof TemplateError || error instanceof AccessModelLoadError ? error.message : String(error);
      throw new AccessModelLoadError(res.stack, `${res.address} ${field}`, `cannot resolve: ${reason}`);
    }
  }

  /** Renders one template string in a stack (for provider blocks and other non-resource places). */
  renderIn(stackName: string, address: string, text: string): TfValue {
    try {
      return renderTemplate(text, (root, steps, t) => this.reference(stackName, root, steps, t));
    } catch (error) {
      throw new AccessModelLoadError(stackName, address, `cannot resolve: ${(error as Error).message}`);
    }
  }

  private reference(stackName: string, root: string, steps: readonly Step[], text: string): TfValue {
    if (root === 'data') {
      const [type, name, ...rest] = steps;
      if (typeof type !== 'string' || typeof name !== 'string') throw new TemplateError(text, 'a data reference needs a type and a name');
      return this.attribute(stackName, 'data', type, name, rest, text);
    }
    if (root === 'var') {
      const [name, ...rest] = steps;
      const variable = this.stack(stackName).json['variable']?.[name as string];
      if (!isRecord(variable) || variable['default'] === undefined) throw new TemplateError(text, `var.${String(name)} has no default`);
      return traverse(variable['default'] as TfValue, rest, text);
    }
    if (['local', 'each', 'count', 'self', 'path', 'terraform'].includes(root)) throw new TemplateError(text, `${root}. references are not modelled`);
    const [name, ...rest] = steps;
    if (typeof name !== 'string') throw new TemplateError(text, `${root} needs a resource name`);
    return this.attribute(stackName, 'resource', root, name, rest, text);
  }

  /** An attribute of a resource or data source, computed as AWS would return it. */
  attribute(stackName: string, mode: 'resource' | 'data', type: string, name: string, steps: readonly Step[], text = ''): TfValue {
    const res = this.get(stackName, mode, type, name);
    if (!res) throw new TemplateError(text, `${mode === 'data' ? 'data.' : ''}${type}.${name} does not exist in ${stackName}`);
    if (res.body['count'] !== undefined || res.body['for_each'] !== undefined) throw new TemplateError(text, `${res.address} uses count or for_each, which is not modelled`);
    const [attr, ...rest] = steps;
    if (typeof attr !== 'string') throw new TemplateError(text, `${res.address} needs an attribute name`);
    if (mode === 'data' && type === 'terraform_remote_state') {
      const [output, ...more] = rest;
      if (attr !== 'outputs' || typeof output !== 'string') throw new TemplateError(text, 'a remote state is read through outputs.<name>');
      const config = this.field(res, 'config') as Record<string, unknown>;
      const target = this.stackByBackend(config);
      if (!target) throw new TemplateError(text, `no given stack has the backend key ${String(config['key'])}`);
      return traverseBlocks(this.output(target, output, text), more, text);
    }
    const key = `${stackName}\u0000${res.address}\u0000${attr}`;
    let value = this.memo.get(key);
    if (value === undefined) {
      if (this.inProgress.has(key)) throw new TemplateError(text, `${res.address}.${attr} refers to itself`);
      this.inProgress.add(key);
      try {
        value = computedAttribute(res, attr, {
          set: this,
          field: (k) => this.field(res, k),
          has: (k) => this.has(res, k),
          location: () => this.location(res),
          placeholders: new Placeholders(`${stackName}/${res.address}`),
        });
        if (value === undefined) {
          if (res.body[attr] === undefined) throw new TemplateError(text, `attribute ${attr} of ${type} is not modelled`);
          value = this.field(res, attr);
        }
      } finally {
        this.inProgress.delete(key);
      }
      this.memo.set(key, value);
    }
    return traverseBlocks(value, rest, text);
  }

  /** The stack whose S3 backend matches a remote state's bucket, key and region. */
  stackByBackend(config: Record<string, unknown>): string | undefined {
    for (const stack of this.stacks.values()) {
      const b = stack.backend;
      if (b && b.key === config['key'] && (config['bucket'] === undefined || b.bucket === config['bucket']) && (config['region'] === undefined || b.region === config['region'])) {
        return stack.name;
      }
    }
    return undefined;
  }

  /** An output's value in a stack. */
  output(stackName: string, output: string, text: string): TfValue {
    const out = this.stack(stackName).json['output']?.[output];
    if (!isRecord(out)) throw new TemplateError(text, `stack ${stackName} has no output ${output}`);
    try {
      return renderDeep(out['value'], (root, steps, t) => this.reference(stackName, root, steps, t));
    } catch (error) {
      throw new TemplateError(text, `output ${output} of ${stackName}: ${(error as Error).message}`);
    }
  }

  /** The first resource of a type in the same account and region whose attribute equals a value. */
  findBy(type: string, where: Location, matches: (res: StackResource) => boolean): StackResource | undefined {
    return this.resources(type).find((res) => {
      const loc = this.location(res);
      return loc.account === where.account && loc.region === where.region && matches(res);
    });
  }
}

/** Traverses, reading a Terraform block (a one-element list) also when cdktf wrote it as an object. */
function traverseBlocks(value: TfValue, steps: readonly Step[], text: string): TfValue {
  let current = value;
  for (const step of steps) {
    if (step === 0 && current !== null && typeof current === 'object' && !Array.isArray(current)) continue;
    current = traverse(current, [step], text);
  }
  return current;
}
