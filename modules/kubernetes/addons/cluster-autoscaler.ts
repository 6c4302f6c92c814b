import { Construct } from 'constructs';
import { awsContext } from '../../internal/aws-context.ts';
import { requireProps, withDefaults } from '../../internal/props.ts';
import { AddonRelease, type HelmChartSource } from './addon-release.ts';
import { addonNamespace, addonRole, CRITICAL_ADDON_PLACEMENT } from './addon-defaults.ts';

export interface ClusterAutoscalerProps {
  /** The cluster's literal name: discovery and the IAM conditions match its ASG tags. */
  readonly clusterName: string;
  readonly chart: HelmChartSource;
  /** The autoscaler image tag; it must match the cluster's Kubernetes minor version. */
  readonly imageTag: string;
  /** Managed node group names (`app`, `worker`): EKS names their ASGs `eks-<group>-<id>`. */
  readonly nodeGroupNames: readonly string[];
  /** @default 'cluster-autoscaler' */
  readonly namespace?: string;
}

/** Every default of {@link ClusterAutoscalerProps}, applied in one place. */
export const CLUSTER_AUTOSCALER_DEFAULTS = {
  namespace: 'cluster-autoscaler',
} as const satisfies Partial<ClusterAutoscalerProps>;

const SERVICE_ACCOUNT = 'cluster-autoscaler';

/**
 * cluster-autoscaler with ASG auto-discovery by the tags EKS puts on managed
 * node groups. It may resize and remove instances only in this cluster's
 * node-group ASGs.
 */
export class ClusterAutoscaler extends Construct {
  readonly namespace: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const p = withDefaults(props, CLUSTER_AUTOSCALER_DEFAULTS);
    requireProps(p.nodeGroupNames.length > 0, 'ClusterAutoscaler', id, 'nodeGroupNames must name at least one node group');
    requireProps(/^v\d+\.\d+\.\d+$/.test(p.imageTag), 'ClusterAutoscaler', id, `imageTag "${p.imageTag}" must be a release tag such as v1.35.0`);
    const { partition, region, accountId } = awsContext(this);
    const ownerTag = `k8s.io/cluster-autoscaler/${p.clusterName}`;
    const namespace = addonNamespace(this, p.namespace);
    const role = addonRole(this, {
      clusterName: p.clusterName,
      addonName: 'cluster-autoscaler',
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      statements: [
        {
          Sid: 'Discover',
          Effect: 'Allow',
          Action: [
            'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeLaunchConfigurations',
            'autoscaling:DescribeScalingActivities', 'autoscaling:DescribeTags', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes',
            'ec2:DescribeLaunchTemplateVersions', 'ec2:GetInstanceTypesFromInstanceRequirements', 'eks:DescribeNodegroup',
          ],
          Resource: '*',
        },
        {
          Sid: 'ScaleOnlyThisClustersNodeGroups',
          Effect: 'Allow',
          Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
          Resource: p.nodeGroupNames.map(
            (group) => `arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/eks-${group}-*`,
          ),
          // Node-group names repeat across clusters in one account; the owner tag does not.
          Condition: { StringEquals: { [`aws:ResourceTag/${ownerTag}`]: 'owned' } },
        },
      ],
    });
    new AddonRelease(this, 'Chart', {
      releaseName: 'cluster-autoscaler',
      namespace: namespace.namespaceName,
      chart: p.chart,
      values: {
        cloudProvider: 'aws',
        awsRegion: region,
        autoDiscovery: { clusterName: p.clusterName },
        image: { tag: p.imageTag },
        // One active autoscaler. The chart requests nothing by default; these are its own suggested
        // requests. Evicting it under pressure would stop the scale-up that relieves the pressure.
        replicaCount: 1,
        resources: { requests: { cpu: '100m', memory: '300Mi' }, limits: { memory: '600Mi' } },
        rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNT } },
        extraArgs: {
          'balance-similar-node-groups': true,
          expander: 'least-waste',
          'skip-nodes-with-system-pods': false,
          'scale-down-unneeded-time': '10m',
        },
        podDisruptionBudget: { maxUnavailable: 1 },
        ...CRITICAL_ADDON_PLACEMENT,
      },
      dependsOn: role.associations,
    });
    this.namespace = namespace.namespaceName;
    this.roleArn = role.roleArn;
  }
}
