import { AutoscalingSchedule } from '@cdktf/provider-aws/lib/autoscaling-schedule';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster as AwsEksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { awsContext } from './internal/aws-context.ts';
import { managedPolicyArn, policyDocument, serviceTrustPolicy } from './internal/iam.ts';
import { maxPodsNodeConfig } from './internal/node-config.ts';
import { requireProps, withDefaults, type Defaulted } from './internal/props.ts';
import { nodeInstanceType } from '../lib/aws-catalog.ts';
import { EncryptionKey } from './security/kms-key.ts';

/** The five EKS control-plane log types. */
export const EKS_CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

export interface EksNodeGroupOptions {
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  /** @default 'ON_DEMAND' */
  readonly capacityType?: 'ON_DEMAND' | 'SPOT';
  /** @default 50 */
  readonly diskSizeGiB?: number;
  /** @default [] */
  readonly taints?: readonly { key: string; value: string; effect: 'NO_SCHEDULE' | 'NO_EXECUTE' | 'PREFER_NO_SCHEDULE' }[];
  /**
   * Pods each node admits, with kube-reserved memory sized for them: set
   * through a nodeadm NodeConfig in the launch template. Required with
   * `prefixDelegation`, refused without it. The group's instance types must
   * share one vCPU count, since kube-reserved CPU follows it.
   * @default - the VPC CNI's ENI figure, as EKS sets it
   */
  readonly maxPods?: number;
  /**
   * Scales the group's Auto Scaling group to zero at `scaleDown` and back to
   * min, desired and max at `scaleUp` (cron recurrences in `timeZone`), as
   * terraform-aws-modules' `schedules` do. Both set max, so the cluster
   * autoscaler cannot bring nodes back in between.
   * @default - always on
   */
  readonly offHours?: NodeGroupOffHours;
}

/** When a node group is scaled to zero: two cron recurrences in one IANA time zone. */
export interface NodeGroupOffHours {
  /** Cron (minute hour day-of-month month day-of-week) when the group goes to zero, e.g. `0 20 * * 1-5`. */
  readonly scaleDown: string;
  /** Cron when it comes back to its configured sizes, e.g. `0 8 * * 1-5`. */
  readonly scaleUp: string;
  /** IANA time zone of both, e.g. `Asia/Kolkata`. */
  readonly timeZone: string;
}

/** The EKS access policies a grant can name, as EKS calls them. */
export const CLUSTER_ACCESS_POLICIES = {
  'cluster-admin': 'AmazonEKSClusterAdminPolicy',
  admin: 'AmazonEKSAdminPolicy',
  edit: 'AmazonEKSEditPolicy',
  view: 'AmazonEKSViewPolicy',
} as const;
export type ClusterAccessPolicy = keyof typeof CLUSTER_ACCESS_POLICIES;

/** Access to the cluster for one IAM principal, through an EKS access entry. */
export interface ClusterAccessGrant {
  readonly principalArn: string;
  readonly policy: ClusterAccessPolicy;
  /**
   * Namespaces the policy applies in.
   * @default - the whole cluster
   */
  readonly namespaces?: readonly string[];
  /**
   * Kubernetes groups the principal joins, for RBAC bindings made inside the cluster.
   * @default []
   */
  readonly kubernetesGroups?: readonly string[];
}

/**
 * The IAM role name of a managed add-on's Pod Identity role (`ebs-csi`,
 * `vpc-cni`), so the Kubernetes stack can name it in key policies.
 */
export function eksAddonRoleName(clusterName: string, addon: 'ebs-csi' | 'vpc-cni'): string {
  return `${clusterName}-${addon}`;
}

/** Every default of {@link EksNodeGroupOptions}, applied in one place. */
export const NODE_GROUP_DEFAULTS = {
  capacityType: 'ON_DEMAND',
  diskSizeGiB: 50,
  taints: [],
} as const satisfies Partial<EksNodeGroupOptions>;

export interface EksClusterProps {
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. `1.35`. */
  readonly kubernetesVersion: string;
  readonly vpcId: string;
  /** Subnets for the control-plane ENIs and the nodes. */
  readonly subnetIds: string[];
  /** Managed node groups by name; the name becomes the `hexabid.in/node-group` label. */
  readonly nodeGroups: Readonly<Record<string, EksNodeGroupOptions>>;
  /**
   * IAM role ARNs given cluster-admin through access entries.
   * @default []
   */
  readonly adminRoleArns?: readonly string[];
  /**
   * Further access entries, each with one access policy and scope. A principal
   * may appear once across `adminRoleArns` and these: EKS keeps one entry per principal.
   * @default []
   */
  readonly accessGrants?: readonly ClusterAccessGrant[];
  /**
   * CIDRs that may reach the public API endpoint. Empty keeps the endpoint private.
   * @default [] (private endpoint only)
   */
  readonly publicAccessCidrs?: readonly string[];
  /**
   * Retention of the control-plane log group.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * VPC CNI prefix delegation: each ENI slot holds a /28 prefix of 16 pod
   * addresses instead of one, so pod density follows CPU and memory, not
   * ENIs. Every node group then states its `maxPods`. The subnets need free,
   * contiguous /28 blocks (the Vpc construct's `prefixReservation`).
   * @default false
   */
  readonly prefixDelegation?: boolean;
}

/** Every default of {@link EksClusterProps}, applied in one place. */
export const EKS_DEFAULTS = {
  adminRoleArns: [],
  accessGrants: [],
  publicAccessCidrs: [],
  logRetentionDays: 90,
  prefixDelegation: false,
} as const satisfies Partial<EksClusterProps>;

/**
 * An EKS cluster in standard support with API-mode access entries, envelope
 * encryption of secrets, every control-plane log, AL2023 managed node groups
 * with IMDSv2 and encrypted gp3 roots, the core add-ons and an OIDC provider.
 */
export class EksCluster extends Construct {
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly clusterEndpoint: string;
  readonly clusterCertificateAuthorityData: string;
  readonly clusterVersion: string;
  /** The EKS-managed security group on the control plane, every node and every pod. */
  readonly clusterSecurityGroupId: string;
  readonly oidcProviderArn: string;
  readonly oidcIssuerUrl: string;
  readonly nodeRoleArn: string;
  /** Role of the VPC CNI (`aws-node`), through Pod Identity. */
  readonly vpcCniRoleArn: string;
  /** Role of the EBS CSI controller, through Pod Identity. */
  readonly ebsCsiRoleArn: string;
  readonly secretsKeyArn: string;
  readonly nodeGroupNames: Record<string, string>;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const { accountId, partition } = awsContext(this);
    const p = withDefaults(props, EKS_DEFAULTS);
    const name = p.clusterName;
    const publicCidrs = p.publicAccessCidrs;
    for (const [group, o] of Object.entries(p.nodeGroups)) {
      requireProps(
        o.minSize <= o.desiredSize && o.desiredSize <= o.maxSize,
        'EksCluster',
        name,
        `nodeGroups.${group} needs minSize <= desiredSize <= maxSize (got ${o.minSize} <= ${o.desiredSize} <= ${o.maxSize})`,
      );
      requireProps(
        p.prefixDelegation === (o.maxPods !== undefined),
        'EksCluster',
        name,
        p.prefixDelegation
          ? `nodeGroups.${group}.maxPods is required with prefixDelegation: without it EKS allows 110 pods and nodeadm reserves memory for the ENI figure`
          : `nodeGroups.${group}.maxPods needs prefixDelegation: without prefixes the ENIs cap pods below it`,
      );
      const vcpus = new Set(o.maxPods === undefined ? [] : o.instanceTypes.map((t) => nodeInstanceType(t).vcpus));
      requireProps(
        vcpus.size <= 1,
        'EksCluster',
        name,
        `nodeGroups.${group} mixes instance types of ${[...vcpus].join(' and ')} vCPUs; with maxPods, kube-reserved CPU is set for one size`,
      );
    }

    const principals = [...p.adminRoleArns, ...p.accessGrants.map((g) => g.principalArn)];
    const repeated = principals.filter((arn, i) => principals.indexOf(arn) !== i);
    requireProps(repeated.length === 0, 'EksCluster', name, `adminRoleArns and accessGrants name ${repeated.join(', ')} more than once; EKS keeps one access entry per principal`);
    for (const grant of p.accessGrants) {
      requireProps(
        grant.namespaces === undefined || grant.namespaces.length > 0,
        'EksCluster',
        name,
        `accessGrants for ${grant.principalArn} has an empty namespaces list; leave it out for the whole cluster`,
      );
    }

    const secretsKey = new EncryptionKey(this, 'SecretsKey', {
      aliasName: `${name}-eks-secrets`,
      description: `Envelope encryption of Kubernetes secrets in ${name}`,
      cloudWatchLogGroupPrefix: `/aws/eks/${name}/`,
    });
    this.secretsKeyArn = secretsKey.keyArn;

    // Created first so EKS writes into a group with retention and encryption.
    const logGroup = new CloudwatchLogGroup(this, 'ControlPlaneLogs', {
      name: `/aws/eks/${name}/cluster`,
      retentionInDays: p.logRetentionDays,
      kmsKeyId: secretsKey.keyArn,
    });

    const clusterRole = new IamRole(this, 'ClusterRole', {
      name: `${name}-cluster`,
      assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com', { actions: ['sts:AssumeRole', 'sts:TagSession'] }),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'ClusterPolicy', {
      role: clusterRole.name,
      policyArn: managedPolicyArn(partition, 'AmazonEKSClusterPolicy'),
    });
    const clusterEncryptionPolicy = new IamRolePolicy(this, 'ClusterEncryptionPolicy', {
      role: clusterRole.name,
      name: 'envelope-encryption',
      policy: policyDocument([
        { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: secretsKey.keyArn },
      ]),
    });

    const cluster = new AwsEksCluster(this, 'Cluster', {
      name,
      version: p.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: p.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? [...publicCidrs] : undefined,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: secretsKey.keyArn } },
      enabledClusterLogTypes: [...EKS_CONTROL_PLANE_LOG_TYPES],
      // STANDARD: an end-of-support version is upgraded instead of billed for extended support.
      upgradePolicy: { supportType: 'STANDARD' },
      // The add-ons below are managed as aws_eks_addon, so skip the unmanaged defaults.
      bootstrapSelfManagedAddons: false,
      // The role's policies must be attached before EKS assumes it, or creation fails.
      dependsOn: [logGroup, clusterPolicy, clusterEncryptionPolicy],
    });
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.clusterEndpoint = cluster.endpoint;
    this.clusterCertificateAuthorityData = cluster.certificateAuthority.get(0).data;
    this.clusterVersion = cluster.version;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;

    p.adminRoleArns.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `AdminAccessEntry${i}`, { clusterName: cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `AdminAccessPolicy${i}`, {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
      });
    });
    p.accessGrants.forEach((grant, i) => {
      // Named after the role, so adding or removing a grant never re-creates another's entry.
      const key = Token.isUnresolved(grant.principalArn) ? String(i) : grant.principalArn.split('/').pop()!;
      const entry = new EksAccessEntry(this, `AccessEntry-${key}`, {
        clusterName: cluster.name,
        principalArn: grant.principalArn,
        type: 'STANDARD',
        kubernetesGroups: grant.kubernetesGroups && grant.kubernetesGroups.length > 0 ? [...grant.kubernetesGroups] : undefined,
      });
      new EksAccessPolicyAssociation(this, `AccessPolicy-${key}`, {
        clusterName: cluster.name,
        principalArn: entry.principalArn,
        policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ACCESS_POLICIES[grant.policy]}`,
        accessScope: grant.namespaces ? { type: 'namespace', namespaces: [...grant.namespaces] } : { type: 'cluster' },
      });
    });

    const oidc = new IamOpenidConnectProvider(this, 'OidcProvider', {
      url: cluster.identity.get(0).oidc.get(0).issuer,
      clientIdList: ['sts.amazonaws.com'],
    });
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuerUrl = oidc.url;

    const nodeRole = this.nodeRole(name, partition);
    this.nodeRoleArn = nodeRole.arn;

    // The VPC CNI gets its own role instead of the node role's: with IMDS closed to pods
    // (hop limit 1), no pod can borrow the node's credentials to change network interfaces.
    const vpcCni = this.podIdentityAddonRole(name, 'vpc-cni', 'AmazonEKS_CNI_Policy', accountId, partition);

    // Needed before nodes: without CNI and the pod-identity agent no node turns Ready.
    const earlyAddons = [
      // The VPC CNI enforces Kubernetes NetworkPolicy only when asked to. With prefix delegation it keeps
      // one /28 warm per node (WARM_PREFIX_TARGET 1, its default, stated so the plan shows it).
      this.addon(cluster, 'vpc-cni', {
        configuration: {
          enableNetworkPolicy: 'true',
          ...(p.prefixDelegation ? { env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' } } : {}),
        },
        podIdentity: { roleArn: vpcCni.roleArn, serviceAccount: 'aws-node' },
        dependsOn: [vpcCni.attachment],
      }),
      this.addon(cluster, 'kube-proxy'),
      this.addon(cluster, 'eks-pod-identity-agent'),
    ];

    const groups = Object.entries(p.nodeGroups).map(([groupName, options]) =>
      this.nodeGroup(cluster, p, nodeRole.arn, groupName, withDefaults(options, NODE_GROUP_DEFAULTS), [...earlyAddons, ...nodeRole.attachments]),
    );
    this.nodeGroupNames = Object.fromEntries(Object.keys(p.nodeGroups).map((groupName, i) => [groupName, groups[i]!.nodeGroupName]));

    // These run as Deployments, so they wait for nodes.
    this.addon(cluster, 'coredns', { dependsOn: groups });
    const ebsCsi = this.podIdentityAddonRole(name, 'ebs-csi', 'service-role/AmazonEBSCSIDriverPolicy', accountId, partition);
    this.addon(cluster, 'aws-ebs-csi-driver', {
      dependsOn: [...groups, ebsCsi.attachment],
      podIdentity: { roleArn: ebsCsi.roleArn, serviceAccount: 'ebs-csi-controller-sa' },
    });
    this.vpcCniRoleArn = vpcCni.roleArn;
    this.ebsCsiRoleArn = ebsCsi.roleArn;
  }

  /**
   * A managed add-on's role through Pod Identity: trusted by Pod Identity on
   * behalf of this account only, with one AWS managed policy.
   */
  private podIdentityAddonRole(
    clusterName: string,
    addon: 'ebs-csi' | 'vpc-cni',
    managedPolicy: string,
    accountId: string,
    partition: string,
  ): { roleArn: string; attachment: IamRolePolicyAttachment } {
    const id = addon.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
    const role = new IamRole(this, `${id}Role`, {
      name: eksAddonRoleName(clusterName, addon),
      assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com', { actions: ['sts:AssumeRole', 'sts:TagSession'], sourceAccount: accountId }),
    });
    const attachment = new IamRolePolicyAttachment(this, `${id}Policy`, { role: role.name, policyArn: managedPolicyArn(partition, managedPolicy) });
    return { roleArn: role.arn, attachment };
  }

  private addon(
    cluster: AwsEksCluster,
    addonName: string,
    options: {
      dependsOn?: (EksNodeGroup | EksAddon | IamRolePolicyAttachment)[];
      podIdentity?: { roleArn: string; serviceAccount: string };
      configuration?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
    } = {},
  ): EksAddon {
    const { dependsOn = [], podIdentity, configuration } = options;
    return new EksAddon(this, `Addon-${addonName}`, {
      clusterName: cluster.name,
      addonName,
      configurationValues: configuration ? JSON.stringify(configuration) : undefined,
      // The latest version compatible with the cluster; an upgrade of the cluster upgrades it.
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      podIdentityAssociation: podIdentity ? [podIdentity] : undefined,
      dependsOn,
    });
  }

  /**
   * Minimal node permissions: join the cluster, pull images, and SSM Session
   * Manager in place of a bastion host. Pod IPs are the VPC CNI's own role's job.
   */
  private nodeRole(name: string, partition: string): { arn: string; attachments: IamRolePolicyAttachment[] } {
    const role = new IamRole(this, 'NodeRole', {
      name: `${name}-node`,
      assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
    });
    const attachments = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'].map(
      (policy) => new IamRolePolicyAttachment(this, `NodePolicy-${policy}`, { role: role.name, policyArn: managedPolicyArn(partition, policy) }),
    );
    return { arn: role.arn, attachments };
  }

  private nodeGroup(
    cluster: AwsEksCluster,
    props: Pick<EksClusterProps, 'clusterName' | 'subnetIds'>,
    nodeRoleArn: string,
    groupName: string,
    options: Defaulted<EksNodeGroupOptions, typeof NODE_GROUP_DEFAULTS>,
    // Nodes join only with CNI running and the node role's policies attached.
    dependsOn: (EksAddon | IamRolePolicyAttachment)[],
  ): EksNodeGroup {
    // The literal name, not cluster.name: a token inside a tag key is not interpolated.
    const clusterName = props.clusterName;
    const fullName = `${clusterName}-${groupName}`;
    const template = new LaunchTemplate(this, `LaunchTemplate-${groupName}`, {
      name: fullName,
      updateDefaultVersion: true,
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: options.diskSizeGiB,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      // IMDSv2 only, and a hop limit of 1: a pod's request crosses one more hop and never
      // arrives, so pods cannot take the node's credentials. The VPC CNI runs on the host
      // network and is not affected; add-ons get their own roles through Pod Identity.
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      monitoring: { enabled: true },
      // An explicit pod limit, and kube-reserved memory for it, as a NodeConfig that EKS merges with its own.
      userData: options.maxPods === undefined ? undefined : Fn.base64encode(maxPodsNodeConfig(options.maxPods, nodeInstanceType(options.instanceTypes[0]!).vcpus)),
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: fullName } },
        { resourceType: 'volume', tags: { Name: fullName } },
      ],
    });
    const labels = { 'hexabid.in/node-group': groupName };
    const group = new EksNodeGroup(this, `NodeGroup-${groupName}`, {
      clusterName: cluster.name,
      nodeGroupName: groupName,
      nodeRoleArn,
      subnetIds: props.subnetIds,
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: options.capacityType,
      instanceTypes: [...options.instanceTypes],
      scalingConfig: { minSize: options.minSize, maxSize: options.maxSize, desiredSize: options.desiredSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
      labels,
      taint: options.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      // Cluster-autoscaler auto-discovery. EKS puts the same tags on the group's ASG,
      // which is where the autoscaler looks; here they also show in the plan.
      tags: {
        'k8s.io/cluster-autoscaler/enabled': 'true',
        [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned',
      },
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
      dependsOn,
    });
    if (options.offHours) {
      const autoscalingGroupName = group.resources.get(0).autoscalingGroups.get(0).name;
      const common = { autoscalingGroupName, timeZone: options.offHours.timeZone };
      new AutoscalingSchedule(this, `OffHours-${groupName}`, {
        ...common,
        scheduledActionName: `${fullName}-off-hours`,
        recurrence: options.offHours.scaleDown,
        minSize: 0,
        maxSize: 0,
        desiredCapacity: 0,
      });
      new AutoscalingSchedule(this, `WorkingHours-${groupName}`, {
        ...common,
        scheduledActionName: `${fullName}-working-hours`,
        recurrence: options.offHours.scaleUp,
        minSize: options.minSize,
        maxSize: options.maxSize,
        desiredCapacity: options.desiredSize,
      });
    }
    return group;
  }
}
