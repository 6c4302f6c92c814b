import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { inject } from 'vitest';
import { bootstrapConfig, validateBootstrap } from '../../environments/bootstrap.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { validateEnvironment } from '../../environments/validate.ts';
import type { EnvironmentConfig } from '../../environments/types.ts';
import { ACCOUNTS, type AccountConfig } from '../../environments/account.ts';
import { BootstrapStack, type BootstrapStackOptions } from '../../stacks/bootstrap-stack.ts';
import { InfrastructureStack } from '../../stacks/infrastructure-stack.ts';
import { KubernetesStack } from '../../stacks/kubernetes-stack.ts';
import { bootstrapStackName, infrastructureStackName, kubernetesStackName, standbyStackName } from '../../environments/stack-names.ts';
import { StandbyStack } from '../../stacks/standby-stack.ts';

/** A synthesized stack: Terraform JSON. */
export interface TfJson {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  variable?: Record<string, any>;
  output?: Record<string, { value: unknown; description?: string }>;
}

/** Where the run's one synthesis of `main.ts` wrote every stack (`__tests__/setup/global.ts`). */
export function synthOutdir(): string {
  return inject('synthOutdir');
}

/** The directory of one stack of the run's synthesis. */
export function sharedStackDir(stack: string): string {
  return join(synthOutdir(), 'stacks', stack);
}

/** A new temporary directory, removed with the run's scratch directory when the run ends. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(inject('scratchRoot'), `${prefix}-`));
}

/** True for a shipped environment as `main.ts` synthesized it, not a test's variant of one. */
function isShipped(config: EnvironmentConfig, cacheKey: string): boolean {
  return cacheKey === config.name && ENVIRONMENTS.some((e) => e === config);
}

/**
 * One stack of the run's synthesis, as `Testing.synth` would print it: without
 * cdktf's per-construct metadata (`//`), which names construct paths and
 * would make every refactor a snapshot diff.
 */
function sharedStack(stack: string, keepMetadata = false): { json: TfJson; text: string } {
  const file = join(sharedStackDir(stack), 'cdk.tf.json');
  if (!existsSync(file)) throw new Error(`${stack} is not among the stacks main.ts synthesized (${synthOutdir()})`);
  const raw = readFileSync(file, 'utf8');
  if (keepMetadata) return { json: JSON.parse(raw) as TfJson, text: raw };
  const json = JSON.parse(raw, (key, value) => (key === '//' ? undefined : value)) as TfJson;
  return { json, text: stableStringify(json) };
}

/** JSON with sorted keys, two-space indents and open empty braces: the text `Testing.synth` prints. */
function stableStringify(value: unknown, level = 0): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const indent = `\n${'  '.repeat(level)}`;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[${value.map((item) => inner + stableStringify(item, level + 1)).join(',')}${indent}]`;
  const entries = Object.keys(value).sort().map((key) => `${inner}${JSON.stringify(key)}: ${stableStringify((value as Record<string, unknown>)[key], level + 1)}`);
  return `{${entries.join(',')}${indent}}`;
}

const cache = new Map<string, { json: TfJson; text: string }>();

/** Validates and synthesizes one environment's stack, once per test worker. */
export function synthEnvironment(config: EnvironmentConfig, cacheKey: string = config.name): { json: TfJson; text: string } {
  let hit = cache.get(cacheKey);
  if (!hit && isShipped(config, cacheKey)) hit = sharedStack(infrastructureStackName(config));
  if (!hit) {
    validateEnvironment(config);
    const stack = new InfrastructureStack(new App({ stackTraces: false }), config);
    const text = Testing.synth(stack);
    hit = { json: JSON.parse(text) as TfJson, text };
  }
  cache.set(cacheKey, hit);
  return hit;
}

const standbyCache = new Map<string, { json: TfJson; text: string }>();

/** Validates and synthesizes a standby environment's always-on stack, once per test worker. */
export function synthStandby(config: EnvironmentConfig): { json: TfJson; text: string } {
  let hit = standbyCache.get(config.name);
  if (!hit && isShipped(config, config.name)) hit = sharedStack(standbyStackName(config));
  if (!hit) {
    validateEnvironment(config);
    const text = Testing.synth(new StandbyStack(new App({ stackTraces: false }), config));
    hit = { json: JSON.parse(text) as TfJson, text };
  }
  standbyCache.set(config.name, hit);
  return hit;
}

/**
 * Everything an environment builds in AWS: its infrastructure stack, plus a
 * standby's always-on stack, merged (a resource address in both fails).
 */
export function synthFootprint(config: EnvironmentConfig, cacheKey: string = config.name): TfJson {
  const infrastructure = synthEnvironment(config, cacheKey).json;
  if (!config.standbyFor) return infrastructure;
  const standby = synthStandby(config).json;
  const resource: TfJson['resource'] = {};
  for (const part of [standby, infrastructure]) {
    for (const [type, byId] of Object.entries(part.resource)) {
      for (const [id, body] of Object.entries(byId)) {
        if (resource[type]?.[id]) throw new Error(`${type}.${id} is in both stacks of ${config.name}`);
        (resource[type] ??= {})[id] = body;
      }
    }
  }
  return { ...infrastructure, resource, data: { ...standby.data, ...infrastructure.data }, output: { ...standby.output, ...infrastructure.output } };
}

/** Synthesizes whatever `build` adds to a bare stack with an AWS provider. */
export function synthConstruct(build: (scope: Construct) => void): TfJson {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }), 'test');
  new AwsProvider(stack, 'aws', { region: 'ap-south-1' });
  build(stack);
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

/** Every resource of a Terraform type, without the cdktf metadata. */
export function resourcesOf(json: TfJson, type: string): Record<string, any>[] {
  return Object.values(json.resource[type] ?? {});
}

/** The single resource of a type; fails if there is not exactly one. */
export function onlyResource(json: TfJson, type: string): Record<string, any> {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

/** Parses a policy document that may hold unresolved Terraform references. */
export function parsePolicy(text: string): { Statement: Record<string, any>[] } {
  return JSON.parse(text) as { Statement: Record<string, any>[] };
}

/** The single data source of a type; fails if there is not exactly one. */
export function onlyDataSource(json: TfJson, type: string): Record<string, any> {
  const all = Object.values(json.data?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected exactly one data.${type}, found ${all.length}`);
  return all[0]!;
}

const kubernetesCache = new Map<string, { json: TfJson; text: string; stackDir: string }>();

/**
 * Validates and synthesizes one environment's Kubernetes stack with a real
 * app synth, so its assets land on disk; once per test worker.
 */
export function synthKubernetesEnvironment(config: EnvironmentConfig, cacheKey: string = config.name): { json: TfJson; text: string; stackDir: string } {
  let hit = kubernetesCache.get(cacheKey);
  if (!hit && isShipped(config, cacheKey)) {
    const stack = kubernetesStackName(config);
    hit = { ...sharedStack(stack, true), stackDir: sharedStackDir(stack) };
  }
  if (!hit) {
    validateEnvironment(config);
    const outdir = scratchDir('hexabid-k8s');
    const app = new App({ outdir, stackTraces: false });
    const stack = new KubernetesStack(app, config);
    app.synth();
    const stackDir = join(outdir, 'stacks', stack.node.id);
    const text = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
    hit = { json: JSON.parse(text) as TfJson, text, stackDir };
  }
  kubernetesCache.set(cacheKey, hit);
  return hit;
}

/** Every Terraform reference (`${...}`) in a piece of synthesized JSON. */
export function referencesIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!);
}

const bootstrapCache = new Map<string, { json: TfJson; text: string }>();

/** Validates and synthesizes an account's bootstrap stack for its environments, once per test worker. */
export function synthBootstrap(account: AccountConfig, options: BootstrapStackOptions = {}): { json: TfJson; text: string } {
  const cacheKey = JSON.stringify([account.name, options]);
  let hit = bootstrapCache.get(cacheKey);
  if (!hit && !options.localState && ACCOUNTS.includes(account)) hit = sharedStack(bootstrapStackName(account));
  if (!hit) {
    const config = bootstrapConfig(ENVIRONMENTS, account);
    validateBootstrap(config);
    const text = Testing.synth(new BootstrapStack(new App({ stackTraces: false }), config, options));
    hit = { json: JSON.parse(text) as TfJson, text };
  }
  bootstrapCache.set(cacheKey, hit);
  return hit;
}

/** Every stack main.ts synthesized, named: the input of the access model (lib/access). */
export function synthesizedStacks(): { stackName: string; json: TfJson }[] {
  const manifest = JSON.parse(readFileSync(join(synthOutdir(), 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
  return Object.keys(manifest.stacks).sort().map((stackName) => ({ stackName, json: sharedStack(stackName).json }));
}
