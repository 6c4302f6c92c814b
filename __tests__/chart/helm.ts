import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENTS } from '../../environments/index.ts';
import type { EnvironmentConfig } from '../../environments/types.ts';
import { environmentValues } from '../../modules/kubernetes/hexabid-release.ts';
import { HELM_BIN, HELM_VERSION_PREFIX } from '../../tools/dev/helm-binary.ts';
import { hexabidEnvironmentValues } from '../../stacks/kubernetes-stack.ts';
import { scratchDir } from '../helpers/synth.ts';

const run = promisify(execFile);
export const CHART_DIR = resolve(__dirname, '../../helm/hexabid');
export const KUBE_VERSION = '1.35.0';

/** A values file's name without `values-` and `.yaml`: `staging` for values-staging.yaml. */
export type ChartEnvironment = string;
/** Every values file an environment uses, by that name. */
export const CHART_ENVIRONMENTS: readonly ChartEnvironment[] = [...new Set(ENVIRONMENTS.map((e) => /^values-(.+)\.yaml$/.exec(e.app.valuesFile)![1]!))];

/** The first environment that uses a values file: the one whose domain, secret names and VPC a render of that file gets. */
export function environmentOfValues(env: ChartEnvironment): EnvironmentConfig {
  const config = ENVIRONMENTS.find((e) => e.app.valuesFile === `values-${env}.yaml`);
  if (!config) throw new Error(`no environment uses values-${env}.yaml`);
  return config;
}

const environmentFiles = new Map<ChartEnvironment, string>();

/** The values document the release adds after the values file (hexabid-release.ts, environmentValues), as a file for `helm -f`. */
function environmentValuesFile(env: ChartEnvironment): string {
  let file = environmentFiles.get(env);
  if (!file) {
    file = join(scratchDir('hexabid-environment-values'), `environment-${env}.yaml`);
    writeFileSync(file, JSON.stringify(environmentValues(hexabidEnvironmentValues(environmentOfValues(env)))));
    environmentFiles.set(env, file);
  }
  return file;
}

/** A rendered Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: any;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

let versionChecked = false;

/** Runs the pinned Helm 3 binary; a missing binary fails loudly instead of skipping. */
export async function helm(args: string[]): Promise<HelmResult> {
  if (!existsSync(HELM_BIN)) {
    throw new Error(`Helm binary missing at ${HELM_BIN}. Run \`npx tsx tools/dev/helm-binary.ts\` (npm test does) after \`npm ci\`.`);
  }
  if (!versionChecked) {
    const { stdout } = await run(HELM_BIN, ['version', '--short']);
    if (!stdout.startsWith(HELM_VERSION_PREFIX)) throw new Error(`expected Helm ${HELM_VERSION_PREFIX}x, found ${stdout.trim()}`);
    versionChecked = true;
  }
  try {
    const { stdout, stderr } = await run(HELM_BIN, args, { maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

export function valuesFile(env: ChartEnvironment): string {
  return join(CHART_DIR, `values-${env}.yaml`);
}

/** `helm template` with a values file, the environment values the release adds, and `--set` overrides. */
export async function template(env: ChartEnvironment, sets: string[] = []): Promise<HelmResult> {
  return helm([
    'template', 'hexabid', CHART_DIR,
    '--namespace', `hexabid-${env}`,
    '--kube-version', KUBE_VERSION,
    '-f', valuesFile(env),
    '-f', environmentValuesFile(env),
    ...sets.flatMap((s) => ['--set', s]),
  ]);
}

export function parseDocuments(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML from helm: ${doc.errors[0]!.message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

const rendered = new Map<string, Promise<{ text: string; objects: KubeObject[] }>>();

/** The chart rendered for an environment, once per test worker. */
export function render(env: ChartEnvironment, sets: string[] = []): Promise<{ text: string; objects: KubeObject[] }> {
  const key = `${env}|${sets.join('|')}`;
  let hit = rendered.get(key);
  if (!hit) {
    hit = template(env, sets).then((result) => {
      if (result.code !== 0) throw new Error(`helm template failed for ${env}:\n${result.stderr}`);
      return { text: result.stdout, objects: parseDocuments(result.stdout) };
    });
    rendered.set(key, hit);
  }
  return hit;
}

export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered chart`);
  return found;
}

/** The pod template of a workload: Deployment, Job or CronJob. */
export function podSpecOf(object: KubeObject): { metadata: { labels: Record<string, string> }; spec: any } {
  if (object.kind === 'Deployment' || object.kind === 'Job') return object.spec.template;
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template;
  throw new Error(`${object.kind} has no pod template`);
}
