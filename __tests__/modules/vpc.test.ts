import { describe, expect, it } from 'vitest';
import { Vpc, type VpcProps } from '../../modules/vpc.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../helpers/synth.ts';

const props: VpcProps = {
  namePrefix: 'hexabid-test',
  cidr: '10.9.0.0/16',
  availabilityZones: ['ap-south-1a', 'ap-south-1b', 'ap-south-1c'],
  publicSubnets: ['10.9.0.0/24', '10.9.1.0/24', '10.9.2.0/24'],
  databaseSubnets: ['10.9.3.0/24', '10.9.4.0/24', '10.9.5.0/24'],
  privateSubnets: ['10.9.32.0/19', '10.9.64.0/19', '10.9.96.0/19'],
  eksClusterName: 'hexabid-test',
};

describe('Vpc', () => {
  const json = synthConstruct((scope) => new Vpc(scope, 'Vpc', props));

  it('creates a subnet of each tier in each zone, tagged for EKS load balancers', () => {
    const subnets = resourcesOf(json, 'aws_subnet');
    expect(subnets).toHaveLength(9);
    const byTier = (tier: string) => subnets.filter((s) => s.tags.tier === tier);
    expect(byTier('public').map((s) => s.availability_zone)).toEqual(props.availabilityZones);
    for (const s of byTier('public')) expect(s.tags).toMatchObject({ 'kubernetes.io/role/elb': '1', 'kubernetes.io/cluster/hexabid-test': 'shared' });
    for (const s of byTier('private')) expect(s.tags).toMatchObject({ 'kubernetes.io/role/internal-elb': '1', 'kubernetes.io/cluster/hexabid-test': 'shared' });
    for (const s of byTier('database')) expect(Object.keys(s.tags).some((k) => k.startsWith('kubernetes.io'))).toBe(false);
  });

  it('defaults to one NAT gateway per zone, each private table routing through its own', () => {
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(3);
    const natRoutes = resourcesOf(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(3);
  });

  it('can share a single NAT gateway', () => {
    const single = synthConstruct((scope) => new Vpc(scope, 'Vpc', { ...props, natGateways: 'single' }));
    expect(resourcesOf(single, 'aws_nat_gateway')).toHaveLength(1);
    expect(resourcesOf(single, 'aws_route').filter((r) => r.nat_gateway_id)).toHaveLength(3);
  });

  it('reserves the upper half of each private subnet for /28 pod prefixes when asked, and nothing by default', () => {
    expect(resourcesOf(json, 'aws_ec2_subnet_cidr_reservation')).toEqual([]);
    const reserved = synthConstruct((scope) => new Vpc(scope, 'Vpc', { ...props, prefixReservation: true }));
    const reservations = resourcesOf(reserved, 'aws_ec2_subnet_cidr_reservation');
    expect(reservations.map((r) => [r.cidr_block, r.reservation_type])).toEqual([
      ['10.9.48.0/20', 'prefix'],
      ['10.9.80.0/20', 'prefix'],
      ['10.9.112.0/20', 'prefix'],
    ]);
    expect(reservations.map((r) => r.subnet_id)).toEqual([0, 1, 2].map((i) => expect.stringMatching(new RegExp(`^\\$\\{aws_subnet\\.Vpc_PrivateSubnet${i}_`))));
  });

  it('can route the private subnets through a NAT instance instead: Graviton, IMDSv2, no source/destination check, admitting only the VPC', () => {
    const withInstance = synthConstruct((scope) => new Vpc(scope, 'Vpc', { ...props, natGateways: 'instance' }));
    expect(resourcesOf(withInstance, 'aws_nat_gateway')).toEqual([]);
    const instance = onlyResource(withInstance, 'aws_instance');
    expect(instance).toMatchObject({
      instance_type: 't4g.nano',
      source_dest_check: false,
      metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 },
      root_block_device: { encrypted: true, volume_type: 'gp3' },
      lifecycle: { ignore_changes: ['ami'] },
    });
    expect(instance.subnet_id).toMatch(/aws_subnet\.Vpc_PublicSubnet0_/);
    expect(instance.user_data).toContain('iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE');
    expect(onlyResource(withInstance, 'aws_eip').instance).toMatch(/^\$\{aws_instance\./);
    const ingress = resourcesOf(withInstance, 'aws_vpc_security_group_ingress_rule').filter((r) => r.security_group_id.includes('NatInstance'));
    expect(ingress.map((r) => r.cidr_ipv4)).toEqual(['10.9.0.0/16']);
    const routes = resourcesOf(withInstance, 'aws_route').filter((r) => r.destination_cidr_block === '0.0.0.0/0' && r.network_interface_id);
    expect(routes).toHaveLength(3);
    // Session Manager, no key pair.
    expect(instance.key_name).toBeUndefined();
    expect(resourcesOf(withInstance, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn)).toContainEqual(expect.stringMatching(/AmazonSSMManagedInstanceCore$/));
  });

  it('locks the default security group down to no rules', () => {
    const sg = onlyResource(json, 'aws_default_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it('fences the database tier with a NACL: data ports from private subnets, replies, and intra-tier traffic', () => {
    const rules = resourcesOf(json, 'aws_network_acl_rule');
    const ingress = rules.filter((r) => !r.egress && r.protocol === 'tcp');
    expect(ingress.map((r) => `${r.cidr_block}:${r.from_port}`).sort()).toEqual(
      props.privateSubnets.flatMap((c) => [443, 5432, 6379].map((p) => `${c}:${p}`)).sort(),
    );
    expect(ingress.every((r) => r.from_port === r.to_port && r.rule_action === 'allow')).toBe(true);
    const replies = rules.filter((r) => r.egress && r.protocol === 'tcp');
    expect(replies.map((r) => r.cidr_block).sort()).toEqual([...props.privateSubnets].sort());
    expect(replies.every((r) => r.from_port === 1024 && r.to_port === 65535)).toBe(true);
    const intraTier = rules.filter((r) => r.protocol === '-1').map((r) => r.cidr_block);
    expect(new Set(intraTier)).toEqual(new Set(props.databaseSubnets));
    expect(rules.some((r) => r.cidr_block === '0.0.0.0/0')).toBe(false);
    expect(new Set(rules.map((r) => `${r.egress}-${r.rule_number}`)).size).toBe(rules.length);
  });

  it('logs all traffic to an encrypted log group through a role scoped to it', () => {
    const flowLog = onlyResource(json, 'aws_flow_log');
    expect(flowLog).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs', max_aggregation_interval: 60 });
    const group = onlyResource(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: '/aws/vpc/hexabid-test/flow-logs', retention_in_days: 365 });
    const policy = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy);
    expect(policy.Statement[0]!.Resource).not.toContain('*');
    const trust = parsePolicy(onlyResource(json, 'aws_iam_role').assume_role_policy).Statement[0]!;
    expect(trust.Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toMatch(/aws_caller_identity/);
  });

  it('adds an S3 gateway endpoint on the public and private route tables', () => {
    const endpoint = onlyResource(json, 'aws_vpc_endpoint');
    expect(endpoint.vpc_endpoint_type).toBe('Gateway');
    expect(endpoint.service_name).toMatch(/^com\.amazonaws\.\$\{data\.aws_region\..*\.region\}\.s3$/);
    expect(endpoint.route_table_ids).toHaveLength(4);
  });

  it('refuses a tier without one subnet per zone', () => {
    expect(() => synthConstruct((scope) => new Vpc(scope, 'Vpc', { ...props, privateSubnets: ['10.9.32.0/19'] }))).toThrow(
      'Vpc hexabid-test: privateSubnets must hold one CIDR per availability zone (3), not 1',
    );
  });
});
