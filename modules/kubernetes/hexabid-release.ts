import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, TerraformAsset, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';
import { releaseSemantics } from '../internal/release-semantics.ts';

/** What the chart needs from the infrastructure, as Terraform references. */
export interface HexabidEndpoints {
  /** RDS primary hostname. */
  readonly databaseHost: string;
  /** A read replica's hostname. @default - none: the app reads from the primary */
  readonly databaseReaderHost?: string;
  /** ElastiCache primary endpoint. */
  readonly redisHost: string;
  /** OpenSearch domain endpoint (hostname; `https://` is added). */
  readonly searchEndpoint: string;
  /** Tenant-documents bucket. */
  readonly documentsBucket: string;
  /** ACM certificate for the Ingress hosts. */
  readonly certificateArn: string;
  /** WAFv2 web ACL for the ALB. */
  readonly wafAclArn: string;
  /** Where the ALB writes its access logs. */
  readonly accessLogs: { readonly bucket: string; readonly prefix: string };
  /** The ClusterSecretStore the chart's ExternalSecrets read through. */
  readonly secretStoreName: string;
}

/** The chart's Secrets Manager-backed secrets (`secrets.<id>` in its values) whose names an environment gives. */
export const HEXABID_SECRETS = ['db', 'dbReader', 'dbMigrator', 'redis', 'llm', 'sendgrid', 'twilio'] as const;
export type HexabidSecret = (typeof HEXABID_SECRETS)[number];

/** What the release takes from the environment rather than from a values file, so environments can share one. */
export interface HexabidEnvironmentValues {
  /** The app's domain: the Ingress serves it (`/api` to the api, the rest to the frontend) and every tenant subdomain (`*.<domain>`). */
  readonly domainName: string;
  /** The Secrets Manager name behind each of the chart's secrets. */
  readonly secretNames: Readonly<Record<HexabidSecret, string>>;
  /** The VPC's range, which the network policies admit traffic from (the load balancer) and to (the data stores). */
  readonly vpcCidr: string;
}

/**
 * The values document the release applies after the environment's values
 * file: its hosts and TLS, its secrets' names and its VPC range. A values
 * file holds only sizing and behaviour, so a new environment can use an
 * existing one (docs/INFRASTRUCTURE.md, "Add an environment").
 */
export function environmentValues(e: HexabidEnvironmentValues): Record<string, unknown> {
  const tenants = `*.${e.domainName}`;
  return {
    ingress: {
      hosts: [
        { host: e.domainName, paths: [{ path: '/api', pathType: 'Prefix', backend: 'api' }, { path: '/', pathType: 'Prefix', backend: 'frontend' }] },
        { host: tenants, paths: [{ path: '/', pathType: 'Prefix', backend: 'frontend' }] },
      ],
      tls: [{ hosts: [e.domainName, tenants] }],
    },
    secrets: Object.fromEntries(HEXABID_SECRETS.map((id) => [id, { remoteKey: e.secretNames[id] }])),
    networkPolicy: { ingressCidrs: [e.vpcCidr], dataCidrs: [e.vpcCidr] },
  };
}

export interface HexabidReleaseProps {
  /** The chart directory on disk (`helm/hexabid`); it ships with the stack as an asset. */
  readonly chartDirectory: string;
  /** Namespace the app runs in; it must exist. */
  readonly namespace: string;
  /** The values file in the chart directory with the environment's sizing and behaviour, e.g. `values-production.yaml`. */
  readonly valuesFile: string;
  /** The environment's domain, secret names and VPC range, applied after the values file. */
  readonly environment: HexabidEnvironmentValues;
  /** The image tag of every HexaBid image; empty keeps each values file's own tags. */
  readonly imageTag: string;
  readonly endpoints: HexabidEndpoints;
  /**
   * Each component's image repository, without a tag (e.g. an ECR repository URL).
   * @default - the repositories in the values files
   */
  readonly imageRepositories?: Readonly<Record<HexabidComponent, string>>;
  /**
   * Settings for the app's OpenSearch client: the region it signs requests for.
   * @default - the chart's own search settings
   */
  readonly searchSigningRegion?: string;
  /**
   * The cache's IAM sign-in: the user and the replication group a token is
   * signed for. The chart then needs no cache secret.
   * @default - the AUTH token from the chart's redis secret
   */
  readonly cacheIamSignIn?: { readonly user: string; readonly replicationGroupId: string; readonly region: string };
  /**
   * The namespace of the Prometheus that scrapes the api and worker: the
   * chart's PodMonitor is turned on, and its network policies admit that
   * namespace to the metrics ports.
   * @default - no PodMonitor (the chart's default)
   */
  readonly monitoringNamespace?: string;
  /**
   * Route53 failover for the Ingress hosts: external-dns writes them as
   * failover records with this set identifier, the primary's tied to its
   * health check, so traffic moves to the secondary when the primary fails.
   * @default - simple records
   */
  readonly dnsFailover?: { readonly setIdentifier: string; readonly role: 'PRIMARY' | 'SECONDARY'; readonly healthCheckId?: string };
  /** @default 'hexabid' */
  readonly releaseName?: string;
  /**
   * Seconds Helm waits for the rollout before it rolls back.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /** @default 10 */
  readonly maxHistory?: number;
  /**
   * What must exist first: the add-ons whose CRDs and webhooks the chart uses.
   * @default []
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link HexabidReleaseProps}, applied in one place. */
export const HEXABID_RELEASE_DEFAULTS = {
  releaseName: 'hexabid',
  timeoutSeconds: 600,
  maxHistory: 10,
  dependsOn: [],
} as const satisfies Partial<HexabidReleaseProps>;

/** The chart's components, each with an image of its own. */
export const HEXABID_COMPONENTS = ['api', 'worker', 'frontend', 'scraper'] as const;
export type HexabidComponent = (typeof HEXABID_COMPONENTS)[number];

/** The chart's components that call AWS, and so get a service account bound to an AWS role. */
export const AWS_COMPONENTS = ['api', 'worker', 'scraper'] as const;
export type AwsComponent = (typeof AWS_COMPONENTS)[number];

/** The service account each AWS-calling component runs as, set by the release so roles can bind to it. */
export function hexabidServiceAccountNames(releaseName: string = HEXABID_RELEASE_DEFAULTS.releaseName): Record<AwsComponent, string> {
  return Object.fromEntries(AWS_COMPONENTS.map((c) => [c, `${releaseName}-${c}`])) as Record<AwsComponent, string>;
}

/**
 * HexaBid itself: a Helm release of the local chart with the environment's
 * values file and overrides computed from the infrastructure. The chart
 * directory is a stack asset, so any edit to it changes the plan.
 */
export class HexabidRelease extends Construct {
  readonly release: Release;
  readonly releaseName: string;
  readonly namespace: string;
  /** Service account name per AWS-calling component, fixed so Pod Identity can bind to it. */
  readonly serviceAccountNames: Readonly<Record<AwsComponent, string>>;
  /** The chart's path inside the synthesized stack. */
  readonly chartAssetPath: string;
  /** The `set` overrides, by value path, as Terraform references. */
  readonly overrides: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: HexabidReleaseProps) {
    super(scope, id);
    const p = withDefaults(props, HEXABID_RELEASE_DEFAULTS);
    const valuesPath = join(p.chartDirectory, p.valuesFile);
    let valuesYaml: string;
    try {
      valuesYaml = readFileSync(valuesPath, 'utf8');
    } catch {
      requireProps(false, 'HexabidRelease', id, `valuesFile "${p.valuesFile}" was not found in ${p.chartDirectory}`);
    }

    const chart = new TerraformAsset(this, 'Chart', { path: p.chartDirectory, type: AssetType.DIRECTORY });
    this.chartAssetPath = chart.path;
    const serviceAccountNames = hexabidServiceAccountNames(p.releaseName);

    const e = p.endpoints;
    const overrides: Record<string, string> = {
      'global.imageTag': p.imageTag,
      'database.host': e.databaseHost,
      ...(e.databaseReaderHost !== undefined ? { 'database.readerHost': e.databaseReaderHost } : {}),
      'redis.host': e.redisHost,
      'search.endpoint': `https://${e.searchEndpoint}`,
      'storage.bucket': e.documentsBucket,
      'externalSecrets.secretStoreRef.name': e.secretStoreName,
      'ingress.alb.certificateArn': e.certificateArn,
      'ingress.alb.wafAclArn': e.wafAclArn,
      'ingress.alb.accessLogs.bucket': e.accessLogs.bucket,
      'ingress.alb.accessLogs.prefix': e.accessLogs.prefix,
      ...Object.fromEntries(AWS_COMPONENTS.map((c) => [`${c}.serviceAccount.name`, serviceAccountNames[c]])),
      ...(p.imageRepositories ? Object.fromEntries(HEXABID_COMPONENTS.map((c) => [`${c}.image.repository`, p.imageRepositories![c]])) : {}),
      ...(p.searchSigningRegion !== undefined ? { 'search.auth.type': 'aws-sigv4', 'search.auth.region': p.searchSigningRegion } : {}),
      ...(p.monitoringNamespace !== undefined ? { 'networkPolicy.monitoringNamespace': p.monitoringNamespace } : {}),
      ...(p.dnsFailover !== undefined ? dnsFailoverAnnotations(p.dnsFailover) : {}),
      ...(p.cacheIamSignIn !== undefined
        ? { 'redis.auth.type': 'iam', 'redis.auth.user': p.cacheIamSignIn.user, 'redis.auth.replicationGroupId': p.cacheIamSignIn.replicationGroupId, 'redis.auth.region': p.cacheIamSignIn.region }
        : {}),
    };
    // A boolean, so not among the string overrides.
    const switches = p.monitoringNamespace !== undefined ? [{ name: 'metrics.podMonitor.enabled', value: 'true', type: 'auto' }] : [];
    this.overrides = overrides;

    this.release = new Release(this, 'Release', {
      name: p.releaseName,
      namespace: p.namespace,
      chart: chart.path,
      // The chart's own values.yaml applies first, as with `helm upgrade -f values-<env>.yaml -f <environment>.yaml`.
      values: [valuesYaml, JSON.stringify(environmentValues(p.environment), null, 2)],
      // Strings, so Helm never reads a tag like 1e10 or an endpoint as a number.
      set: [...Object.entries(overrides).map(([name, value]) => ({ name, value, type: 'string' })), ...switches],
      ...releaseSemantics(p),
      dependsOn: [...p.dependsOn],
    });
    this.releaseName = p.releaseName;
    this.namespace = p.namespace;
    this.serviceAccountNames = serviceAccountNames;
  }
}

/** external-dns's AWS routing annotations on the Ingress, as `--set` paths (dots in the keys escaped). */
function dnsFailoverAnnotations(f: NonNullable<HexabidReleaseProps['dnsFailover']>): Record<string, string> {
  const key = (name: string) => `ingress.annotations.external-dns\\.alpha\\.kubernetes\\.io/${name}`;
  return {
    [key('set-identifier')]: f.setIdentifier,
    [key('aws-failover')]: f.role,
    ...(f.healthCheckId !== undefined ? { [key('aws-health-check-id')]: f.healthCheckId } : {}),
  };
}
