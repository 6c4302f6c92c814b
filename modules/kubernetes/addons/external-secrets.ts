import { Construct } from 'constructs';
import { awsContext } from '../../internal/aws-context.ts';
import { withDefaults } from '../../internal/props.ts';
import { AddonRelease, type HelmChartSource } from './addon-release.ts';
import { addonNamespace, addonRole, CRITICAL_ADDON_PLACEMENT } from './addon-defaults.ts';

export interface ExternalSecretsProps {
  readonly clusterName: string;
  readonly chart: HelmChartSource;
  /** Secrets Manager names the operator may read, e.g. `hexabid/production`: it reads `<prefix>/*` only. */
  readonly secretNamePrefix: string;
  /** KMS keys that encrypt those secrets; the operator may decrypt with them through Secrets Manager only. */
  readonly kmsKeyArns: readonly string[];
  /** The local chart that renders the ClusterSecretStore (`helm/platform`). */
  readonly storeChartDirectory: string;
  /** Namespaces whose ExternalSecrets may use the store. */
  readonly allowedNamespaces: readonly string[];
  /** @default 'aws-secrets-manager' */
  readonly storeName?: string;
  /** @default 'external-secrets' */
  readonly namespace?: string;
}

/** Every default of {@link ExternalSecretsProps}, applied in one place. */
export const EXTERNAL_SECRETS_DEFAULTS = {
  storeName: 'aws-secrets-manager',
  namespace: 'external-secrets',
} as const satisfies Partial<ExternalSecretsProps>;

const SERVICE_ACCOUNT = 'external-secrets';

/**
 * The External Secrets Operator and one ClusterSecretStore on AWS Secrets
 * Manager. The operator's role can read `<secretNamePrefix>/*` and nothing
 * else, and only the allowed namespaces may use the store.
 */
export class ExternalSecrets extends Construct {
  readonly namespace: string;
  readonly roleArn: string;
  readonly storeName: string;
  /** The store's release: ExternalSecrets applied after it can sync. */
  readonly storeRelease: AddonRelease;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    const p = withDefaults(props, EXTERNAL_SECRETS_DEFAULTS);
    const { partition, region, accountId } = awsContext(this);
    const storeName = p.storeName;
    const namespace = addonNamespace(this, p.namespace);
    const role = addonRole(this, {
      clusterName: p.clusterName,
      addonName: 'external-secrets',
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      statements: [
        {
          Sid: 'ReadThisEnvironmentsSecrets',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
          Resource: `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${p.secretNamePrefix}/*`,
        },
        {
          Sid: 'DecryptThroughSecretsManagerOnly',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: [...p.kmsKeyArns],
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
        },
      ],
    });
    const operator = new AddonRelease(this, 'Chart', {
      releaseName: 'external-secrets',
      namespace: namespace.namespaceName,
      chart: p.chart,
      values: {
        installCRDs: true,
        // The chart requests nothing for any of its three workloads by default. The webhook
        // validates every ExternalSecret and store, so losing it to eviction breaks admission.
        replicaCount: 2,
        // Two controllers must not both reconcile: one leads, the other waits to take over.
        leaderElect: true,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        ...CRITICAL_ADDON_PLACEMENT,
        webhook: {
          replicaCount: 2,
          resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
          ...CRITICAL_ADDON_PLACEMENT,
        },
        // It only renews the webhook's certificate, so one replica is enough.
        certController: {
          replicaCount: 1,
          resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '256Mi' } },
          ...CRITICAL_ADDON_PLACEMENT,
        },
      },
      dependsOn: role.associations,
    });
    // A chart, not a kubernetes_manifest: the store's CRD does not exist until the operator is installed,
    // and kubernetes_manifest needs it at plan time.
    this.storeRelease = new AddonRelease(this, 'Store', {
      releaseName: 'cluster-secret-store',
      namespace: namespace.namespaceName,
      chart: { directory: p.storeChartDirectory },
      values: {
        clusterSecretStore: { name: storeName, region, namespaces: [...p.allowedNamespaces] },
      },
      dependsOn: [operator],
    });
    this.namespace = namespace.namespaceName;
    this.roleArn = role.roleArn;
    this.storeName = storeName;
  }
}
