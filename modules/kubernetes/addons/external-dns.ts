import { Construct } from 'constructs';
import { awsContext } from '../../internal/aws-context.ts';
import { withDefaults } from '../../internal/props.ts';
import { AddonRelease, type HelmChartSource } from './addon-release.ts';
import { addonNamespace, addonRole, CRITICAL_ADDON_PLACEMENT } from './addon-defaults.ts';

export interface ExternalDnsProps {
  readonly clusterName: string;
  readonly chart: HelmChartSource;
  /** The one zone external-dns may change. */
  readonly hostedZoneId: string;
  readonly hostedZoneArn: string;
  /** Only names under this domain are managed, e.g. `hexabid.in`. */
  readonly domainName: string;
  /** @default 'external-dns' */
  readonly namespace?: string;
}

/** Every default of {@link ExternalDnsProps}, applied in one place. */
export const EXTERNAL_DNS_DEFAULTS = {
  namespace: 'external-dns',
} as const satisfies Partial<ExternalDnsProps>;

const SERVICE_ACCOUNT = 'external-dns';

/**
 * external-dns: points each Ingress host at its ALB with alias records. It
 * may change one zone, owns only the records its TXT markers claim, and never
 * deletes what it did not create.
 */
export class ExternalDns extends Construct {
  readonly namespace: string;
  readonly roleArn: string;
  readonly release: AddonRelease;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const p = withDefaults(props, EXTERNAL_DNS_DEFAULTS);
    const namespace = addonNamespace(this, p.namespace);
    const role = addonRole(this, {
      clusterName: p.clusterName,
      addonName: 'external-dns',
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      statements: [
        { Sid: 'ChangeOneZone', Effect: 'Allow', Action: 'route53:ChangeResourceRecordSets', Resource: p.hostedZoneArn },
        {
          Sid: 'ReadZones',
          Effect: 'Allow',
          Action: ['route53:ListHostedZones', 'route53:ListResourceRecordSets', 'route53:ListTagsForResources', 'route53:GetChange'],
          Resource: '*',
        },
      ],
    });
    this.release = new AddonRelease(this, 'Chart', {
      releaseName: 'external-dns',
      namespace: namespace.namespaceName,
      chart: p.chart,
      values: {
        provider: { name: 'aws' },
        // The AWS SDK in external-dns finds no region on its own under Pod Identity.
        env: [{ name: 'AWS_REGION', value: awsContext(this).region }],
        // The chart runs exactly one replica (hard-coded, no leader election) and ignores this key;
        // it is stated so the bin-packing test counts the pod. The chart requests nothing by default.
        replicaCount: 1,
        resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        sources: ['ingress'],
        domainFilters: [p.domainName],
        // sync deletes stale records, but only those whose TXT owner is this cluster.
        policy: 'sync',
        registry: 'txt',
        txtOwnerId: p.clusterName,
        // Ownership records go one label below each name: `extdns-a.hexabid.in` stays inside the
        // zone for the apex (the default `a-hexabid.in` would not), and the wildcard's becomes
        // `extdns-a.wildcard.hexabid.in` instead of a name with `*` in the middle.
        // `%%{` is Terraform's escape for a literal `%{`, which would start a template directive:
        // the chart receives extdns-%{record_type}.
        txtPrefix: 'extdns-%%{record_type}.',
        extraArgs: [`--zone-id-filter=${p.hostedZoneId}`, '--aws-zone-type=public', '--txt-wildcard-replacement=wildcard'],
        ...CRITICAL_ADDON_PLACEMENT,
      },
      dependsOn: role.associations,
    });
    this.namespace = namespace.namespaceName;
    this.roleArn = role.roleArn;
  }
}
