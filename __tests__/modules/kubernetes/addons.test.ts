import { describe, expect, it } from 'vitest';
import { PLATFORM_CHART_DIR } from '../../../lib/chart-path.ts';
import { AddonRelease } from '../../../modules/kubernetes/addons/addon-release.ts';
import { AwsLoadBalancerController } from '../../../modules/kubernetes/addons/aws-load-balancer-controller.ts';
import { ClusterAutoscaler } from '../../../modules/kubernetes/addons/cluster-autoscaler.ts';
import { ExternalSecrets } from '../../../modules/kubernetes/addons/external-secrets.ts';
import { MetricsServer } from '../../../modules/kubernetes/addons/metrics-server.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const chart = { repository: 'https://example.test/charts', chart: 'thing', version: '1.2.3' };

describe('AddonRelease', () => {
  it('installs a pinned chart atomically, waiting for readiness', () => {
    const json = synthConstruct((scope) => new AddonRelease(scope, 'A', { releaseName: 'thing', namespace: 'ns', chart, values: { replicas: 2 } }));
    expect(onlyResource(json, 'helm_release')).toMatchObject({
      name: 'thing', namespace: 'ns', repository: chart.repository, chart: 'thing', version: '1.2.3',
      wait: true, wait_for_jobs: true, atomic: true, cleanup_on_fail: true, timeout: 600, max_history: 10, lint: true, create_namespace: false,
      values: [JSON.stringify({ replicas: 2 }, null, 2)],
    });
  });

  it('ships a local chart as an asset', () => {
    const json = synthConstruct((scope) => new AddonRelease(scope, 'A', { releaseName: 'store', namespace: 'ns', chart: { directory: PLATFORM_CHART_DIR } }));
    const release = onlyResource(json, 'helm_release');
    expect(release.chart).toMatch(/^assets\/A_ChartAsset_[A-Z0-9]+\//);
    expect(release).not.toHaveProperty('repository');
    expect(release).not.toHaveProperty('version');
  });
});

describe('AwsLoadBalancerController', () => {
  const json = synthConstruct(
    (scope) =>
      new AwsLoadBalancerController(scope, 'Alb', {
        clusterName: 'hexabid-test', chart, vpcId: 'vpc-1', clusterSecurityGroupId: 'sg-cluster', webAclArns: ['arn:aws:wafv2:ap-south-1:1:regional/webacl/x/1'],
      }),
  );
  const statements = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;
  const sid = (s: string) => statements.find((x) => x.Sid === s)!;

  it('creates load balancers only when they carry this cluster\'s tag, and changes only its own', () => {
    expect(sid('CreateLoadBalancersTaggedForThisCluster').Condition).toEqual({ StringEquals: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'hexabid-test' } });
    expect(sid('ManageOwnLoadBalancersAndTargetGroups').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'hexabid-test' } });
    expect(sid('ManageOwnSecurityGroups').Condition).toEqual({ StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'hexabid-test' } });
  });

  it('opens only the pod security group and creates groups only in its VPC', () => {
    expect(sid('OpenPodSecurityGroupToLoadBalancers').Resource).toMatch(/:security-group\/sg-cluster$/);
    expect(sid('CreateSecurityGroupsInThisVpc').Resource).toEqual([expect.stringMatching(/:vpc\/vpc-1$/), expect.stringMatching(/:security-group\/\*$/)]);
  });

  it('attaches only the given web ACLs, with Shield and WAF Classic off', () => {
    expect(sid('AttachOnlyTheseWebAcls').Resource).toEqual(['arn:aws:wafv2:ap-south-1:1:regional/webacl/x/1', expect.stringMatching(/loadbalancer\/app\/\*\/\*$/)]);
    expect(sid('AcceptWebAclOnOwnLoadBalancers')).toMatchObject({ Action: 'elasticloadbalancing:SetWebAcl', Condition: { StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'hexabid-test' } } });
    const values = JSON.parse(onlyResource(json, 'helm_release').values[0]);
    expect(values).toMatchObject({ clusterName: 'hexabid-test', vpcId: 'vpc-1', enableShield: false, enableWaf: false, enableWafv2: true, replicaCount: 2 });
  });
});

describe('ClusterAutoscaler', () => {
  it('runs the image that matches the cluster and refuses to run without node groups', () => {
    const json = synthConstruct((scope) => new ClusterAutoscaler(scope, 'Ca', { clusterName: 'c', chart, imageTag: 'v1.35.0', nodeGroupNames: ['app'] }));
    expect(JSON.parse(onlyResource(json, 'helm_release').values[0]).image).toEqual({ tag: 'v1.35.0' });
    expect(() => synthConstruct((scope) => new ClusterAutoscaler(scope, 'Ca', { clusterName: 'c', chart, imageTag: 'v1.35.0', nodeGroupNames: [] }))).toThrow(
      'ClusterAutoscaler Ca: nodeGroupNames must name at least one node group',
    );
  });
});

describe('ExternalSecrets', () => {
  it('installs the store after the operator, open to the allowed namespaces only', () => {
    const json = synthConstruct(
      (scope) =>
        new ExternalSecrets(scope, 'Eso', {
          clusterName: 'c', chart, secretNamePrefix: 'hexabid/test', kmsKeyArns: ['arn:key'], storeChartDirectory: PLATFORM_CHART_DIR, allowedNamespaces: ['hexabid-test'],
        }),
    );
    const [operator, store] = resourcesOf(json, 'helm_release');
    expect(operator!.name).toBe('external-secrets');
    expect(store!.depends_on).toEqual([expect.stringMatching(/^helm_release\.Eso_Chart_Release_/)]);
    expect(JSON.parse(store!.values[0]).clusterSecretStore).toEqual({ name: 'aws-secrets-manager', region: expect.stringContaining('aws_region'), namespaces: ['hexabid-test'] });
  });
});

describe('MetricsServer', () => {
  it('has no AWS role at all', () => {
    const json = synthConstruct((scope) => new MetricsServer(scope, 'Ms', { chart }));
    expect(resourcesOf(json, 'aws_iam_role')).toEqual([]);
    expect(JSON.parse(onlyResource(json, 'helm_release').values[0]).replicas).toBe(2);
  });
});
