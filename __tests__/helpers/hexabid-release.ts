import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../environments/types.ts';
import { helm, parseDocuments, type KubeObject } from '../chart/helm.ts';
import { resourcesOf, scratchDir, synthKubernetesEnvironment, type TfJson } from './synth.ts';

/** What Terraform would put in place of each reference, per override. */
export const TERRAFORM_SAMPLES: Readonly<Record<string, string>> = {
  'global.imageTag': '1.4.2',
  'database.host': 'hexabid.c9akciq32.ap-south-1.rds.amazonaws.com',
  'database.readerHost': 'hexabid-replica-1.c9akciq32.ap-south-1.rds.amazonaws.com',
  'redis.host': 'master.hexabid.x1y2z3.aps1.cache.amazonaws.com',
  'search.endpoint': 'vpc-hexabid-abc123.ap-south-1.es.amazonaws.com',
  'storage.bucket': 'hexabid-documents-123456789012',
  'ingress.alb.certificateArn': 'arn:aws:acm:ap-south-1:123456789012:certificate/0d7a1c5e-1b2c-4d3e-8f90-123456789abc',
  'ingress.alb.wafAclArn': 'arn:aws:wafv2:ap-south-1:123456789012:regional/webacl/hexabid/1a2b3c4d',
  'ingress.alb.accessLogs.bucket': 'hexabid-access-logs-123456789012',
  'ingress.alb.accessLogs.prefix': 'alb',
  'redis.auth.user': 'hexabid-production-app',
  'redis.auth.replicationGroupId': 'hexabid-production',
  'ingress.annotations.external-dns\\.alpha\\.kubernetes\\.io/aws-health-check-id': '0f3c2b1a-5d4e-4f60-8a9b-0c1d2e3f4a5b',
};

/** The release's `set` list with each Terraform reference replaced by a sample of what it resolves to. */
export function resolvedOverrides(sets: readonly { name: string; value: string }[]): string[] {
  return sets.map(({ name, value }) => {
    const resolved = value.replace(/\$\{[^}]*\}/g, () => {
      const sample = TERRAFORM_SAMPLES[name];
      if (sample === undefined) throw new Error(`no sample value for the override ${name} (${value})`);
      return sample;
    });
    return `${name}=${resolved}`;
  });
}

/** A release's namespace: a literal, or the name of the `kubernetes_namespace_v1` it references. */
export function releaseNamespace(json: TfJson, release: Record<string, any>): string {
  const namespace = String(release.namespace);
  const reference = /^\$\{kubernetes_namespace_v1\.([A-Za-z0-9_]+)\.metadata\[0\]\.name\}$/.exec(namespace);
  if (!reference) {
    if (namespace.includes('${')) throw new Error(`cannot resolve the namespace ${namespace} of release ${release.name}`);
    return namespace;
  }
  const resource = json.resource.kubernetes_namespace_v1?.[reference[1]!];
  if (!resource) throw new Error(`release ${release.name} names a namespace resource that is not in the stack: ${namespace}`);
  return resource.metadata.name as string;
}

export interface RenderedRelease {
  /** The synthesized `helm_release` of the app. */
  readonly release: Record<string, any>;
  /** The namespace Terraform installs it into. */
  readonly namespace: string;
  readonly objects: KubeObject[];
}

const renders = new Map<string, Promise<KubeObject[]>>();

/**
 * The app's release rendered exactly as the environment's `-k8s` stack would
 * install it: the chart asset the stack ships, the values it carries, its
 * overrides (references replaced by samples), into its namespace. Once per
 * distinct release per test worker.
 */
export async function renderHexabidRelease(config: EnvironmentConfig, cacheKey: string = config.name): Promise<RenderedRelease> {
  const { json, stackDir } = synthKubernetesEnvironment(config, cacheKey);
  const release = resourcesOf(json, 'helm_release').find((r) => r.name === 'hexabid');
  if (!release) throw new Error(`no hexabid helm_release in the -k8s stack of ${config.name}`);
  const namespace = releaseNamespace(json, release);
  const kubeVersion = `${config.cluster.kubernetesVersion}.0`;
  const key = JSON.stringify([release.chart, release.values, release.set, release.name, namespace, kubeVersion]);
  let objects = renders.get(key);
  if (!objects) {
    objects = (async () => {
      const dir = scratchDir('hexabid-values');
      try {
        const valueFiles = (release.values ?? []).map((text: string, i: number) => {
          const file = join(dir, `values-${i}.yaml`);
          writeFileSync(file, text);
          return file;
        });
        const result = await helm([
          'template', release.name, join(stackDir, release.chart), '--namespace', namespace, '--kube-version', kubeVersion,
          ...valueFiles.flatMap((f: string) => ['-f', f]),
          // helm_release `set` entries of type string are --set-string; the rest are parsed as --set is.
          ...resolvedOverrides(release.set ?? []).flatMap((s, i) => [release.set[i].type === 'string' ? '--set-string' : '--set', s]),
        ]);
        if (result.code !== 0) throw new Error(`helm template of the ${config.name} release failed:\n${result.stderr}`);
        return parseDocuments(result.stdout);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    renders.set(key, objects);
  }
  return { release, namespace, objects: await objects };
}
