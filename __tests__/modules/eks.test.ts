import { describe, expect, it } from 'vitest';
import { EKS_CONTROL_PLANE_LOG_TYPES, EksCluster, type EksClusterProps } from '../../modules/eks.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../helpers/synth.ts';

const props: EksClusterProps = {
  clusterName: 'hexabid-test',
  kubernetesVersion: '1.35',
  vpcId: 'vpc-123',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  adminRoleArns: ['arn:aws:iam::123456789012:role/admin'],
  nodeGroups: {
    app: { instanceTypes: ['t3.xlarge'], minSize: 3, maxSize: 10, desiredSize: 3 },
    worker: { instanceTypes: ['t3.large'], minSize: 2, maxSize: 5, desiredSize: 2, taints: [{ key: 'hexabid.in/workload', value: 'worker', effect: 'NO_SCHEDULE' }] },
  },
};

describe('EksCluster', () => {
  const json = synthConstruct((scope) => new EksCluster(scope, 'Eks', props));
  const cluster = onlyResource(json, 'aws_eks_cluster');

  it('runs the configured version on the standard support policy', () => {
    expect(cluster.version).toBe('1.35');
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  it('uses API authentication with an access entry per admin role, and no implicit creator admin', () => {
    expect(cluster.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    expect(onlyResource(json, 'aws_eks_access_entry').principal_arn).toBe('arn:aws:iam::123456789012:role/admin');
    const association = onlyResource(json, 'aws_eks_access_policy_association');
    expect(association.policy_arn).toMatch(/cluster-access-policy\/AmazonEKSClusterAdminPolicy$/);
    expect(association.access_scope).toEqual({ type: 'cluster' });
  });

  it('keeps the API endpoint private unless CIDRs are given', () => {
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
    const open = onlyResource(
      synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, publicAccessCidrs: ['203.0.113.0/24'] })),
      'aws_eks_cluster',
    );
    expect(open.vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] });
  });

  it('envelope-encrypts secrets with a rotating customer key the cluster role may use', () => {
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(cluster.encryption_config.provider.key_arn).toMatch(/^\$\{aws_kms_key\./);
    const key = resourcesOf(json, 'aws_kms_key')[0]!;
    expect(key.enable_key_rotation).toBe(true);
    const encryption = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement[0]!;
    expect(encryption.Resource).toMatch(/^\$\{aws_kms_key\./);
  });

  it('ships all five control-plane logs to a group with retention, created first', () => {
    expect(cluster.enabled_cluster_log_types).toEqual([...EKS_CONTROL_PLANE_LOG_TYPES]);
    expect(EKS_CONTROL_PLANE_LOG_TYPES).toHaveLength(5);
    const group = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: '/aws/eks/hexabid-test/cluster', retention_in_days: 90 });
    expect(cluster.depends_on).toContainEqual(expect.stringMatching(/^aws_cloudwatch_log_group\./));
  });

  it('creates the cluster and node groups only after their roles have their policies', () => {
    expect(cluster.depends_on.filter((d: string) => d.startsWith('aws_iam_role_polic'))).toHaveLength(2);
    for (const g of resourcesOf(json, 'aws_eks_node_group')) {
      expect(g.depends_on.filter((d: string) => d.startsWith('aws_iam_role_policy_attachment.'))).toHaveLength(3);
      expect(g.depends_on.filter((d: string) => d.startsWith('aws_eks_addon.'))).toHaveLength(3);
    }
  });

  it('runs AL2023 node groups from launch templates with IMDSv2 and encrypted gp3 roots', () => {
    const groups = resourcesOf(json, 'aws_eks_node_group');
    expect(groups.map((g) => g.node_group_name)).toEqual(['app', 'worker']);
    for (const g of groups) {
      expect(g.ami_type).toBe('AL2023_x86_64_STANDARD');
      expect(g.launch_template.id).toMatch(/^\$\{aws_launch_template\./);
      expect(g.labels).toEqual({ 'hexabid.in/node-group': g.node_group_name });
      expect(g.tags).toMatchObject({ 'k8s.io/cluster-autoscaler/enabled': 'true', 'k8s.io/cluster-autoscaler/hexabid-test': 'owned' });
      expect(g.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
    }
    expect(groups[1]!.taint).toEqual([{ key: 'hexabid.in/workload', value: 'worker', effect: 'NO_SCHEDULE' }]);
    for (const t of resourcesOf(json, 'aws_launch_template')) {
      // Hop limit 1: a pod's request to IMDS never arrives, so no pod takes the node's credentials.
      expect(t.metadata_options).toEqual({ http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1 });
      expect(t.block_device_mappings[0].ebs).toMatchObject({ volume_type: 'gp3', encrypted: 'true' });
    }
  });

  it('installs the five core add-ons, EBS CSI through Pod Identity, the CNI enforcing NetworkPolicy', () => {
    const addons = resourcesOf(json, 'aws_eks_addon');
    expect(addons.map((a) => a.addon_name).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    const ebs = addons.find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
    expect(ebs.pod_identity_association).toEqual([{ role_arn: expect.stringMatching(/aws_iam_role\./), service_account: 'ebs-csi-controller-sa' }]);
    const cni = addons.find((a) => a.addon_name === 'vpc-cni')!;
    expect(JSON.parse(cni.configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
    expect(cni.pod_identity_association).toEqual([{ role_arn: expect.stringMatching(/aws_iam_role\.Eks_VpcCniRole/), service_account: 'aws-node' }]);
    expect(cni.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy_attachment\.Eks_VpcCniPolicy/)]);
    const coredns = addons.find((a) => a.addon_name === 'coredns')!;
    expect(coredns.depends_on.every((d: string) => d.startsWith('aws_eks_node_group.'))).toBe(true);
  });

  it('creates an OIDC provider and a node role with only the minimal policies plus SSM', () => {
    expect(onlyResource(json, 'aws_iam_openid_connect_provider').client_id_list).toEqual(['sts.amazonaws.com']);
    const nodeRoleRef = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === 'hexabid-test-node')![0];
    const nodePolicies = resourcesOf(json, 'aws_iam_role_policy_attachment')
      .filter((a) => a.role === `\${aws_iam_role.${nodeRoleRef}.name}`)
      .map((a) => a.policy_arn.split('/').pop());
    expect(nodePolicies.sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy', 'AmazonSSMManagedInstanceCore']);
  });

  it('gives the VPC CNI and the EBS CSI driver roles of their own, trusted by Pod Identity for this account only', () => {
    for (const [name, policy] of [['hexabid-test-vpc-cni', 'AmazonEKS_CNI_Policy'], ['hexabid-test-ebs-csi', 'service-role/AmazonEBSCSIDriverPolicy']] as const) {
      const [key, role] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === name)!;
      expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: { StringEquals: { 'aws:SourceAccount': expect.stringMatching(/data\.aws_caller_identity/) } },
        },
      ]);
      const attached = resourcesOf(json, 'aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${key}.name}`);
      expect(attached.map((a) => a.policy_arn)).toEqual([expect.stringMatching(new RegExp(`:policy/${policy}$`))]);
    }
  });

  it('refuses a node group whose desired size lies outside its bounds', () => {
    const nodeGroups = { ...props.nodeGroups, app: { instanceTypes: ['t3.large'], minSize: 3, maxSize: 5, desiredSize: 6 } };
    expect(() => synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, nodeGroups }))).toThrow(
      'EksCluster hexabid-test: nodeGroups.app needs minSize <= desiredSize <= maxSize (got 3 <= 6 <= 5)',
    );
  });

  it('defaults node groups to on-demand capacity and 50 GiB roots', () => {
    const [app] = resourcesOf(json, 'aws_eks_node_group');
    expect(app!.capacity_type).toBe('ON_DEMAND');
    expect(resourcesOf(json, 'aws_launch_template')[0]!.block_device_mappings[0].ebs.volume_size).toBe(50);
  });
});

describe('EksCluster access grants', () => {
  const grants: EksClusterProps['accessGrants'] = [
    { principalArn: 'arn:aws:iam::123456789012:role/dev', policy: 'edit', namespaces: ['hexabid-dev'] },
    { principalArn: 'arn:aws:iam::123456789012:role/ci', policy: 'view', kubernetesGroups: ['planners'] },
  ];
  const json = synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, accessGrants: grants }));

  it('gives each grant its own entry, policy and scope', () => {
    const entries = resourcesOf(json, 'aws_eks_access_entry');
    expect(entries.find((e) => e.principal_arn.endsWith('/ci'))!.kubernetes_groups).toEqual(['planners']);
    const associations = resourcesOf(json, 'aws_eks_access_policy_association').map((a) => [a.policy_arn.split('/').pop(), a.access_scope]);
    expect(associations.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['AmazonEKSClusterAdminPolicy', { type: 'cluster' }],
      ['AmazonEKSEditPolicy', { type: 'namespace', namespaces: ['hexabid-dev'] }],
      ['AmazonEKSViewPolicy', { type: 'cluster' }],
    ]);
  });

  it('refuses a principal granted twice, and an empty namespace scope', () => {
    expect(() => synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, accessGrants: [{ principalArn: props.adminRoleArns![0]!, policy: 'view' }] }))).toThrow(
      /EksCluster hexabid-test: adminRoleArns and accessGrants name arn:aws:iam::123456789012:role\/admin more than once/,
    );
    expect(() => synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, accessGrants: [{ principalArn: 'arn:aws:iam::123456789012:role/x', policy: 'view', namespaces: [] }] }))).toThrow(
      /empty namespaces list/,
    );
  });
});

describe('EksCluster with prefix delegation', () => {
  const nodeGroups: EksClusterProps['nodeGroups'] = {
    app: { instanceTypes: ['t3.medium'], minSize: 2, maxSize: 3, desiredSize: 2, maxPods: 32 },
    worker: { ...props.nodeGroups.worker!, instanceTypes: ['t3.large', 'm6i.large'], capacityType: 'SPOT', maxPods: 24 },
  };
  const json = synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, prefixDelegation: true, nodeGroups }));

  it('tells the VPC CNI to assign /28 prefixes, one kept warm, and still to enforce NetworkPolicy', () => {
    const cni = resourcesOf(json, 'aws_eks_addon').find((a) => a.addon_name === 'vpc-cni')!;
    expect(JSON.parse(cni.configuration_values)).toEqual({ enableNetworkPolicy: 'true', env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' } });
  });

  it("sets each group's maxPods, and kube-reserved memory for that many pods, in a NodeConfig EKS can merge", () => {
    const templates = Object.fromEntries(resourcesOf(json, 'aws_launch_template').map((t) => [t.name, t.user_data as string]));
    for (const [group, maxPods, cpu] of [['app', 32, 70], ['worker', 24, 70]] as const) {
      const userData = templates[`hexabid-test-${group}`]!;
      // Terraform encodes it at plan time, so the plan shows the document.
      expect(userData).toMatch(/^\$\{base64encode\(".*"\)\}$/s);
      expect(userData).toContain('MIME-Version: 1.0');
      expect(userData).toContain('Content-Type: multipart/mixed; boundary=HEXABID-NODECONFIG');
      expect(userData).toContain('Content-Type: application/node.eks.aws');
      expect(userData).toContain('kind: NodeConfig');
      expect(userData).toContain(`maxPods: ${maxPods}`);
      expect(userData).toContain(`memory: ${255 + 11 * maxPods}Mi`);
      expect(userData).toContain(`cpu: ${cpu}m`);
    }
  });

  it('runs Spot groups over every type given', () => {
    const worker = resourcesOf(json, 'aws_eks_node_group').find((g) => g.node_group_name === 'worker')!;
    expect(worker).toMatchObject({ capacity_type: 'SPOT', instance_types: ['t3.large', 'm6i.large'] });
  });

  it('refuses a group without maxPods, maxPods without prefix delegation, and maxPods over types of two sizes', () => {
    const without = { ...nodeGroups, app: { ...nodeGroups.app!, maxPods: undefined } };
    expect(() => synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, prefixDelegation: true, nodeGroups: without }))).toThrow(/nodeGroups\.app\.maxPods is required with prefixDelegation/);
    expect(() => synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, nodeGroups }))).toThrow(/nodeGroups\.app\.maxPods needs prefixDelegation/);
    const mixed = { ...nodeGroups, app: { ...nodeGroups.app!, instanceTypes: ['t3.medium', 't3.xlarge'] } };
    expect(() => synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, prefixDelegation: true, nodeGroups: mixed }))).toThrow(/mixes instance types of 2 and 4 vCPUs/);
  });

  it('leaves user data out without prefix delegation, so EKS sets the ENI figure', () => {
    const plain = synthConstruct((scope) => new EksCluster(scope, 'Eks', props));
    for (const t of resourcesOf(plain, 'aws_launch_template')) expect(t.user_data).toBeUndefined();
  });
});

describe('EksCluster off hours', () => {
  const offHours = { scaleDown: '0 20 * * 1-5', scaleUp: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' };
  const nodeGroups = Object.fromEntries(Object.entries(props.nodeGroups).map(([name, g]) => [name, { ...g, offHours }]));
  const json = synthConstruct((scope) => new EksCluster(scope, 'Eks', { ...props, nodeGroups }));

  it("scales each group's Auto Scaling group to zero, min and max included, and back to its own sizes", () => {
    const schedules = resourcesOf(json, 'aws_autoscaling_schedule');
    expect(schedules.map((s) => s.scheduled_action_name).sort()).toEqual([
      'hexabid-test-app-off-hours',
      'hexabid-test-app-working-hours',
      'hexabid-test-worker-off-hours',
      'hexabid-test-worker-working-hours',
    ]);
    const byName = Object.fromEntries(schedules.map((s) => [s.scheduled_action_name, s]));
    expect(byName['hexabid-test-app-off-hours']).toMatchObject({ recurrence: '0 20 * * 1-5', time_zone: 'Asia/Kolkata', min_size: 0, max_size: 0, desired_capacity: 0 });
    expect(byName['hexabid-test-worker-working-hours']).toMatchObject({ recurrence: '0 8 * * 1-5', min_size: 2, max_size: 5, desired_capacity: 2 });
    expect(byName['hexabid-test-app-off-hours']!.autoscaling_group_name).toMatch(/^\$\{aws_eks_node_group\.Eks_NodeGroup-app_[^.]+\.resources\[0\]\.autoscaling_groups\[0\]\.name\}$/);
  });
});
