import { describe, expect, it } from 'vitest';
import { OPENSEARCH_LOG_TYPES, SearchDomain, type SearchDomainProps } from '../../modules/elasticsearch.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../helpers/synth.ts';

const props: SearchDomainProps = {
  domainName: 'hexabid-test',
  instanceType: 'r5.large.search',
  vpcId: 'vpc-123',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  allowedSecurityGroupIds: ['sg-cluster'],
  masterRoleTrustedArns: ['arn:aws:iam::123456789012:role/hexabid-platform-admin'],
};

describe('SearchDomain', () => {
  const json = synthConstruct((scope) => new SearchDomain(scope, 'Search', props));
  const domain = onlyResource(json, 'aws_opensearch_domain');

  it('is an OpenSearch domain across three zones, inside the VPC, on gp3', () => {
    expect(domain.engine_version).toBe('OpenSearch_2.19');
    expect(domain.cluster_config).toMatchObject({ instance_count: 3, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 3 } });
    expect(domain.vpc_options.subnet_ids).toEqual(props.subnetIds);
    expect(domain.ebs_options).toMatchObject({ ebs_enabled: true, volume_type: 'gp3' });
  });

  it('encrypts at rest with its own key and between nodes, and enforces HTTPS on a PFS policy', () => {
    expect(domain.encrypt_at_rest.enabled).toBe(true);
    expect(domain.node_to_node_encryption.enabled).toBe(true);
    expect(domain.domain_endpoint_options).toEqual({ enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-PFS-2023-10' });
  });

  it('uses fine-grained access control mastered by an IAM role, and a policy scoped to the domain', () => {
    expect(domain.advanced_security_options).toMatchObject({ enabled: true, internal_user_database_enabled: false, anonymous_auth_enabled: false });
    expect(domain.advanced_security_options.master_user_options.master_user_arn).toMatch(/aws_iam_role\./);
    const [statement] = parsePolicy(domain.access_policies).Statement;
    expect(statement!.Action).toBe('es:ESHttp*');
    expect(statement!.Resource).toMatch(/:domain\/hexabid-test\/\*$/);
    expect(statement!.Principal.AWS).toEqual([expect.stringMatching(/:root$/)]);
  });

  it('lets only the named administrators assume the master role, not the whole account', () => {
    const master = resourcesOf(json, 'aws_iam_role').find((r) => r.name === 'hexabid-test-opensearch-master')!;
    expect(parsePolicy(master.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:role/hexabid-platform-admin'] }, Action: 'sts:AssumeRole' },
    ]);
    expect(() => synthConstruct((scope) => new SearchDomain(scope, 'Search', { ...props, masterRoleTrustedArns: [] }))).toThrow(
      'SearchDomain hexabid-test: masterRoleTrustedArns must name at least one role, or nobody can administer the domain',
    );
  });

  it('lets one service account assume the master role through Pod Identity, for this account and cluster only', () => {
    const withJob = synthConstruct(
      (scope) => new SearchDomain(scope, 'Search', { ...props, masterRoleServiceAccount: { clusterName: 'hexabid-test', namespace: 'hexabid-system', name: 'opensearch-security' } }),
    );
    const master = resourcesOf(withJob, 'aws_iam_role').find((r) => r.name === 'hexabid-test-opensearch-master')!;
    const pods = parsePolicy(master.assume_role_policy).Statement[1]!;
    expect(pods).toMatchObject({ Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] });
    expect(pods.Condition.StringEquals).toEqual({
      'aws:SourceAccount': expect.stringMatching(/data\.aws_caller_identity/),
      'aws:RequestTag/eks-cluster-name': 'hexabid-test',
      'aws:RequestTag/kubernetes-namespace': ['hexabid-system'],
      'aws:RequestTag/kubernetes-service-account': ['opensearch-security'],
    });
  });

  it('publishes slow, application and audit logs under a policy scoped to this domain', () => {
    expect(domain.log_publishing_options.map((o: { log_type: string }) => o.log_type)).toEqual([...OPENSEARCH_LOG_TYPES]);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')).toHaveLength(4);
    const [statement] = parsePolicy(onlyResource(json, 'aws_cloudwatch_log_resource_policy').policy_document).Statement;
    expect(statement!.Condition.ArnLike['aws:SourceArn']).toMatch(/domain\/hexabid-test$/);
  });

  it('turns Auto-Tune off on burstable types and on elsewhere', () => {
    expect(domain.auto_tune_options.desired_state).toBe('ENABLED');
    const small = synthConstruct((scope) => new SearchDomain(scope, 'Search', { ...props, instanceType: 't3.small.search', instanceCount: 1, availabilityZoneCount: 1 }));
    const smallDomain = onlyResource(small, 'aws_opensearch_domain');
    expect(smallDomain.auto_tune_options.desired_state).toBe('DISABLED');
    expect(smallDomain.cluster_config.zone_awareness_enabled).toBe(false);
    expect(smallDomain.vpc_options.subnet_ids).toEqual(['subnet-a']);
  });

  it('admits 443 only from the cluster', () => {
    expect(onlyResource(json, 'aws_vpc_security_group_ingress_rule')).toMatchObject({ from_port: 443, referenced_security_group_id: 'sg-cluster' });
  });

  it('refuses zone counts the subnets or node count cannot meet, naming both props', () => {
    expect(() => synthConstruct((scope) => new SearchDomain(scope, 'Search', { ...props, subnetIds: ['subnet-a', 'subnet-b'] }))).toThrow(
      'SearchDomain hexabid-test: availabilityZoneCount (3) needs as many subnetIds, one per zone (got 2)',
    );
    expect(() => synthConstruct((scope) => new SearchDomain(scope, 'Search', { ...props, instanceCount: 4 }))).toThrow(
      'SearchDomain hexabid-test: instanceCount (4) must be a multiple of availabilityZoneCount (3) to spread evenly',
    );
  });
});
