import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { helm, KUBE_VERSION, parseDocuments, find, type KubeObject } from '../chart/helm.ts';
import { schemaProblems } from '../chart/kubernetes-schema.ts';
import { resourcesOf, synthEnvironment, synthKubernetesEnvironment } from '../helpers/synth.ts';
import { CHART_DIR } from '../../lib/chart-path.ts';

/** What Terraform would put in place of each reference, per override. */
const SAMPLES: Record<string, string> = {
  'global.imageTag': '1.4.2',
  'database.host': 'hexabid.c9akciq32.ap-south-1.rds.amazonaws.com',
  'database.readerHost': 'hexabid-replica-1.c9akciq32.ap-south-1.rds.amazonaws.com',
  'redis.host': 'master.hexabid.x1y2z3.aps1.cache.amazonaws.com',
  'search.endpoint': 'vpc-hexabid-abc123.ap-south-1.es.amazonaws.com',
  'storage.bucket': 'hexabid-documents-111122223333',
  'ingress.alb.certificateArn': 'arn:aws:acm:ap-south-1:111122223333:certificate/0d7a1c5e-1b2c-4d3e-8f90-123456789abc',
  'ingress.alb.wafAclArn': 'arn:aws:wafv2:ap-south-1:111122223333:regional/webacl/hexabid/1a2b3c4d',
  'ingress.alb.accessLogs.bucket': 'hexabid-access-logs-111122223333',
  'ingress.alb.accessLogs.prefix': 'alb',
};

/** The release's `set` list with each Terraform reference replaced by a sample of what it resolves to. */
function resolvedOverrides(sets: { name: string; value: string }[]): string[] {
  return sets.map(({ name, value }) => {
    const resolved = value.replace(/\$\{[^}]*\}/g, () => {
      const sample = SAMPLES[name];
      if (sample === undefined) throw new Error(`no sample value for the override ${name} (${value})`);
      return sample;
    });
    return `${name}=${resolved}`;
  });
}

/**
 * The chart rendered exactly as the k8s stack's release would install it:
 * the values file it carries, then its overrides.
 */
describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('the hexabid release of hexabid-%s-k8s, rendered', (_name, config) => {
  const { json } = synthKubernetesEnvironment(config);
  const release = resourcesOf(json, 'helm_release').find((r) => r.name === 'hexabid')!;
  let objects: Promise<KubeObject[]> | undefined;
  const rendered = () =>
    (objects ??= helm([
      'template', release.name, CHART_DIR, '--namespace', release.namespace, '--kube-version', KUBE_VERSION,
      '-f', join(CHART_DIR, config.app.valuesFile),
      ...resolvedOverrides(release.set).flatMap((s) => ['--set-string', s]),
    ]).then((result) => {
      if (result.code !== 0) throw new Error(result.stderr);
      return parseDocuments(result.stdout);
    }));

  it('passes the chart schema and the Kubernetes API schemas', async () => {
    const all = await rendered();
    expect(all.length).toBeGreaterThan(10);
    expect(all.flatMap((o) => schemaProblems(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`))).toEqual([]);
  });

  it('gives the ALB the certificate, WAF, TLS 1.3, redirect, HSTS, header hygiene and access logs', async () => {
    const annotations = find(await rendered(), 'Ingress', 'hexabid').metadata.annotations ?? {};
    expect(annotations).toMatchObject({
      'alb.ingress.kubernetes.io/certificate-arn': SAMPLES['ingress.alb.certificateArn'],
      'alb.ingress.kubernetes.io/wafv2-acl-arn': SAMPLES['ingress.alb.wafAclArn'],
      'alb.ingress.kubernetes.io/ssl-policy': expect.stringMatching(/^ELBSecurityPolicy-TLS13-/),
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/listener-attributes.HTTPS-443': expect.stringContaining('strict_transport_security.header_value=max-age=31536000'),
    });
    const attributes = annotations['alb.ingress.kubernetes.io/load-balancer-attributes']!.split(',');
    expect(attributes).toEqual(expect.arrayContaining([
      'routing.http.drop_invalid_header_fields.enabled=true',
      'access_logs.s3.enabled=true',
      `access_logs.s3.bucket=${SAMPLES['ingress.alb.accessLogs.bucket']}`,
      'access_logs.s3.prefix=alb',
    ]));
    expect(attributes.includes('deletion_protection.enabled=true')).toBe(config.isProduction);
  });

  it('serves only hosts the certificate covers', async () => {
    const ingress = find(await rendered(), 'Ingress', 'hexabid');
    const domain = config.edge.domainName;
    const covered = (host: string) => host === domain || host === `*.${domain}` || (/^[a-z0-9-]+\./.test(host) && host.slice(host.indexOf('.') + 1) === domain);
    const hosts: string[] = ingress.spec.rules.map((r: any) => r.host);
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect(covered(host), `${host} is not covered by ${domain} and *.${domain}`).toBe(true);
  });

  it('runs every image at the tag CI passes', async () => {
    const images = (await rendered())
      .flatMap((o) => (o.kind === 'Deployment' ? o.spec.template.spec.containers : o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec.containers : []))
      .map((c: any) => c.image as string);
    expect(images.length).toBeGreaterThan(3);
    for (const image of images) expect(image).toMatch(/:1\.4\.2$/);
  });

  it('points the app at the infrastructure endpoints', async () => {
    const settings = find(await rendered(), 'ConfigMap', 'hexabid-api').data!;
    expect(settings).toMatchObject({
      DATABASE_HOST: SAMPLES['database.host'],
      REDIS_HOST: SAMPLES['redis.host'],
      OPENSEARCH_URL: `https://${SAMPLES['search.endpoint']}`,
      S3_BUCKET: SAMPLES['storage.bucket'],
    });
  });

  it('runs the api, worker and scraper as the service accounts bound to the app role', async () => {
    const all = await rendered();
    const bound = resourcesOf(json, 'aws_eks_pod_identity_association').filter((a) => a.service_account.startsWith('hexabid-')).map((a) => a.service_account);
    for (const account of bound) expect(find(all, 'ServiceAccount', account)).toBeDefined();
    expect(find(all, 'Deployment', 'hexabid-api').spec.template.spec.serviceAccountName).toBe('hexabid-api');
  });

  it('admits traffic from this environment\'s VPC only, and names only namespaces that exist', async () => {
    const policies = (await rendered()).filter((o) => o.kind === 'NetworkPolicy');
    const cidrs = new Set(JSON.stringify(policies).match(/\d+\.\d+\.\d+\.\d+\/\d+/g));
    cidrs.delete('0.0.0.0/0');
    cidrs.delete('169.254.170.23/32'); // the Pod Identity agent on each node
    expect([...cidrs]).toEqual([config.network.vpcCidr]);
    // kube-system (cluster DNS) is EKS's own; every other namespace named must be one this stack makes.
    const namespaces = ['kube-system', ...resourcesOf(json, 'kubernetes_namespace_v1').map((n) => n.metadata.name)];
    const scrapers = JSON.stringify(policies).match(/"kubernetes\.io\/metadata\.name":"([a-z0-9-]+)"/g) ?? [];
    expect(scrapers.length).toBeGreaterThan(0);
    for (const selector of scrapers) expect(namespaces).toContain(selector.split(':')[1]!.replaceAll('"', ''));
  });

  it('syncs only secrets that exist, through the store the stack installs', async () => {
    const infraSecrets = resourcesOf(synthEnvironment(config).json, 'aws_secretsmanager_secret').map((s) => s.name);
    const appSecrets = resourcesOf(json, 'aws_secretsmanager_secret').map((s) => s.name);
    const store = JSON.parse(resourcesOf(json, 'helm_release').find((r) => r.name === 'cluster-secret-store')!.values[0]).clusterSecretStore.name;
    const external = (await rendered()).filter((o) => o.kind === 'ExternalSecret');
    expect(external).toHaveLength(5);
    for (const e of external) {
      expect(e.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: store });
      expect([...infraSecrets, ...appSecrets]).toContain(e.spec.dataFrom[0].extract.key);
    }
  });
});
