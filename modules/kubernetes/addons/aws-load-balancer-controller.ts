import { Construct } from 'constructs';
import { awsContext } from '../../internal/aws-context.ts';
import { withDefaults } from '../../internal/props.ts';
import type { PolicyStatement } from '../../internal/iam.ts';
import { AddonRelease, type HelmChartSource } from './addon-release.ts';
import { addonNamespace, addonRole, CRITICAL_ADDON_PLACEMENT } from './addon-defaults.ts';

export interface AwsLoadBalancerControllerProps {
  /** The cluster's literal name; the controller tags what it creates with it. */
  readonly clusterName: string;
  readonly chart: HelmChartSource;
  readonly vpcId: string;
  /** The security group on every pod, which the controller opens to its load balancers. */
  readonly clusterSecurityGroupId: string;
  /** Web ACLs the controller may attach to its load balancers. */
  readonly webAclArns: readonly string[];
  /** @default 'aws-load-balancer-controller' */
  readonly namespace?: string;
}

/** Every default of {@link AwsLoadBalancerControllerProps}, applied in one place. */
export const AWS_LOAD_BALANCER_CONTROLLER_DEFAULTS = {
  namespace: 'aws-load-balancer-controller',
} as const satisfies Partial<AwsLoadBalancerControllerProps>;

const SERVICE_ACCOUNT = 'aws-load-balancer-controller';
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';

/**
 * The AWS Load Balancer Controller: turns Ingresses into ALBs. Its role is
 * narrower than the upstream policy: every write names its resource type
 * and is limited to what carries this cluster's tag.
 */
export class AwsLoadBalancerController extends Construct {
  readonly namespace: string;
  readonly roleArn: string;
  /** The release: Ingresses applied after it get a load balancer. */
  readonly release: AddonRelease;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id);
    const p = withDefaults(props, AWS_LOAD_BALANCER_CONTROLLER_DEFAULTS);
    const namespace = addonNamespace(this, p.namespace);
    const role = addonRole(this, {
      clusterName: p.clusterName,
      addonName: 'aws-load-balancer-controller',
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      statements: loadBalancerControllerStatements(this, p),
    });
    this.release = new AddonRelease(this, 'Chart', {
      releaseName: 'aws-load-balancer-controller',
      namespace: namespace.namespaceName,
      chart: p.chart,
      values: {
        clusterName: p.clusterName,
        region: awsContext(this).region,
        vpcId: p.vpcId,
        replicaCount: 2,
        // The chart requests nothing by default. Its pod-mutating webhook admits every app pod
        // (readiness-gate injection), so it must neither be evicted first nor OOM-killed.
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        // WAF Classic and Shield Advanced are not used; their calls would need more permissions.
        enableShield: false,
        enableWaf: false,
        enableWafv2: true,
        podDisruptionBudget: { maxUnavailable: 1 },
        ...CRITICAL_ADDON_PLACEMENT,
      },
      dependsOn: role.associations,
    });
    this.namespace = namespace.namespaceName;
    this.roleArn = role.roleArn;
  }
}

function loadBalancerControllerStatements(scope: Construct, props: AwsLoadBalancerControllerProps): PolicyStatement[] {
  const { partition, region, accountId } = awsContext(scope);
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:${region}:${accountId}:${resource}`;
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:${accountId}:${resource}`;
  const loadBalancers = elb('loadbalancer/app/*/*');
  const targetGroups = elb('targetgroup/*/*');
  const listeners = elb('listener/app/*/*/*');
  const listenerRules = elb('listener-rule/app/*/*/*/*');
  const ours = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: props.clusterName } };
  const taggedAsOursOnCreate = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: props.clusterName } };
  return [
    {
      Sid: 'ElbServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: `arn:${partition}:iam::${accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    },
    {
      Sid: 'Discover',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:DescribeRouteTables', 'ec2:DescribeIpamPools',
        'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools', 'ec2:GetSecurityGroupsForVpc',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeCapacityReservation',
        'acm:ListCertificates', 'acm:DescribeCertificate', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource',
      ],
      Resource: '*',
    },
    {
      Sid: 'CreateSecurityGroupsInThisVpc',
      Effect: 'Allow',
      Action: 'ec2:CreateSecurityGroup',
      Resource: [ec2(`vpc/${props.vpcId}`), ec2('security-group/*')],
    },
    {
      Sid: 'TagSecurityGroupsOnCreate',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: ec2('security-group/*'),
      Condition: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', [`aws:RequestTag/${CLUSTER_TAG}`]: props.clusterName } },
    },
    {
      Sid: 'ManageOwnSecurityGroups',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      Resource: ec2('security-group/*'),
      Condition: ours,
    },
    {
      // Pods carry the cluster security group; the controller admits its load balancers there.
      Sid: 'OpenPodSecurityGroupToLoadBalancers',
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      Resource: ec2(`security-group/${props.clusterSecurityGroupId}`),
    },
    {
      Sid: 'CreateLoadBalancersTaggedForThisCluster',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      Resource: [loadBalancers, targetGroups],
      Condition: taggedAsOursOnCreate,
    },
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:AddTags',
      Resource: [loadBalancers, targetGroups, listeners, listenerRules],
      Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateTargetGroup', 'CreateListener', 'CreateRule'] } },
    },
    {
      Sid: 'ManageOwnLoadBalancersAndTargetGroups',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags', 'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:ModifyCapacityReservation', 'elasticloadbalancing:ModifyIpPools',
      ],
      Resource: [loadBalancers, targetGroups],
      Condition: ours,
    },
    {
      Sid: 'ManageListenersAndRules',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyListenerAttributes',
        'elasticloadbalancing:AddListenerCertificates', 'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags',
      ],
      Resource: [loadBalancers, listeners, listenerRules],
    },
    {
      Sid: 'RegisterPodTargets',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      Resource: targetGroups,
    },
    {
      Sid: 'AttachOnlyTheseWebAcls',
      Effect: 'Allow',
      Action: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL'],
      Resource: [...props.webAclArns, loadBalancers],
    },
    {
      // WAF also asks the load balancer to accept the ACL.
      Sid: 'AcceptWebAclOnOwnLoadBalancers',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:SetWebAcl',
      Resource: loadBalancers,
      Condition: ours,
    },
  ];
}
