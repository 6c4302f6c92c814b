import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { find } from '../chart/helm.ts';
import { schemaProblems } from '../chart/kubernetes-schema.ts';
import { renderHexabidRelease, TERRAFORM_SAMPLES as SAMPLES } from '../helpers/hexabid-release.ts';
import { resourcesOf, synthEnvironment, synthKubernetesEnvironment } from '../helpers/synth.ts';

/**
 * The chart rendered exactly as the k8s stack's release would install it:
 * the values file it carries, then its overrides.
 */
describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('the hexabid release of hexabid-%s-k8s, rendered', (_name, config) => {
  const { json } = synthKubernetesEnvironment(config);
  const rendered = async () => (await renderHexabidRelease(config)).objects;

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

  it('runs every image at the tag CI passes, from the account\'s ECR repositories', async () => {
    const images = (await rendered())
      .flatMap((o) => (o.kind === 'Deployment' ? o.spec.template.spec.containers : o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec.containers : []))
      .map((c: any) => c.image as string);
    expect(images.length).toBeGreaterThan(3);
    for (const image of images) {
      expect(image).toMatch(/:1\.4\.2$/);
      expect(image).toMatch(new RegExp(`^${config.app.imageRegistry.replace(/\./g, '\\.')}/hexabid/(api|worker|frontend|scraper):`));
    }
  });

  it('points the app at the infrastructure endpoints, and signs its search requests with its role', async () => {
    for (const component of ['api', 'worker', 'scraper']) {
      const settings = find(await rendered(), 'ConfigMap', `hexabid-${component}`).data!;
      expect(settings).toMatchObject({
        DATABASE_HOST: SAMPLES['database.host'],
        REDIS_HOST: SAMPLES['redis.host'],
        OPENSEARCH_URL: `https://${SAMPLES['search.endpoint']}`,
        OPENSEARCH_SIGNING: 'aws-sigv4',
        OPENSEARCH_AWS_REGION: config.region,
        OPENSEARCH_AWS_SERVICE: 'es',
        S3_BUCKET: SAMPLES['storage.bucket'],
      });
    }
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
    // A standby reads the copies its primary's secrets keep in its region.
    const primary = config.standbyFor ? ENVIRONMENTS.find((e) => e.name === config.standbyFor!.primary)! : undefined;
    const replicated = (secrets: Record<string, any>[]) => secrets.filter((s) => !primary || (s.replica ?? []).some((r: { region: string }) => r.region === config.region)).map((s) => s.name);
    const infraSecrets = replicated(resourcesOf(synthEnvironment(primary ?? config).json, 'aws_secretsmanager_secret'));
    const appSecrets = replicated(resourcesOf(primary ? synthKubernetesEnvironment(primary).json : json, 'aws_secretsmanager_secret'));
    const store = JSON.parse(resourcesOf(json, 'helm_release').find((r) => r.name === 'cluster-secret-store')!.values[0]).clusterSecretStore.name;
    const external = (await rendered()).filter((o) => o.kind === 'ExternalSecret');
    // The app's and the migrator's database users, the read-only user where a replica exists, and the three third-party secrets;
    // no cache secret: the app signs in to the cache with IAM.
    expect(external.map((e) => e.metadata.name).sort()).toEqual(
      ['hexabid-db-secret', 'hexabid-db-migrator-secret', ...(config.database.readReplicas > 0 ? ['hexabid-db-reader-secret'] : []), 'hexabid-llm-secret', 'hexabid-sendgrid-secret', 'hexabid-twilio-secret'].sort(),
    );
    for (const e of external) {
      expect(e.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: store });
      expect([...infraSecrets, ...appSecrets]).toContain(e.spec.dataFrom[0].extract.key);
    }
  });
});
