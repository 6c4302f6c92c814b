import { describe, expect, it } from 'vitest';
import { AddonRelease } from '../../../../modules/kubernetes/addons/addon-release.ts';
import { ContainerLogs, type ContainerLogsProps } from '../../../../modules/kubernetes/monitoring/container-logs.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct, type TfJson } from '../../../helpers/synth.ts';

const chart = { repository: 'https://aws.github.io/eks-charts', chart: 'aws-for-fluent-bit', version: '0.2.0' };
const workerToleration = { key: 'hexabid.in/workload', operator: 'Equal', value: 'worker', effect: 'NoSchedule' } as const;
const props: ContainerLogsProps = {
  clusterName: 'hexabid-test',
  chart,
  namespaces: ['hexabid-test', 'hexabid-system', 'kube-system', 'default'],
  appNamespace: 'hexabid-test',
  logGroupPrefix: '/hexabid/test/containers',
  logRetentionDays: 30,
  keyAliasName: 'hexabid-test-container-logs',
  tolerations: [workerToleration],
};
const build = (overrides: Partial<ContainerLogsProps> = {}) => synthConstruct((scope) => new ContainerLogs(scope, 'Logs', { ...props, ...overrides }));

/**
 * Value paths that exist in `stable/aws-for-fluent-bit` at chart version 0.2.0,
 * read in the aws/eks-charts mirror at master 5239609242f3430be50fb0b714a24d3ef2b47983
 * (the chart's last change is 2942cdce0d98bd257822c64520779a05c25df2c2, "Upgrade
 * aws-for-fluent-bit chart to v0.2.0"): values.yaml, and templates/daemonset.yaml
 * and templates/configmap.yaml for `priorityClassName` and `filter.extraFilters`,
 * which values.yaml only shows commented out.
 */
const CHART_KEYS_0_2_0 = new Set([
  'serviceAccount.create',
  'serviceAccount.name',
  'input.path',
  'filter.mergeLog',
  'filter.mergeLogKey',
  'filter.keepLog',
  'filter.k8sLoggingExclude',
  'filter.extraFilters',
  'cloudWatchLogs.enabled',
  'cloudWatchLogs.region',
  'cloudWatchLogs.logGroupName',
  'cloudWatchLogs.logGroupTemplate',
  'cloudWatchLogs.logStreamTemplate',
  'cloudWatchLogs.autoCreateGroup',
  'priorityClassName',
  // Kubernetes shapes the chart renders as they are (toYaml): their inner keys are Kubernetes', not the chart's.
  'resources',
  'tolerations',
  'podSecurityContext',
  'containerSecurityContext',
]);

/** Leaf paths of the values, stopping at the chart keys that hold a Kubernetes shape. */
function valuePaths(value: unknown, prefix = ''): string[] {
  if (CHART_KEYS_0_2_0.has(prefix) || value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => valuePaths(inner, prefix ? `${prefix}.${key}` : key));
}

describe('ContainerLogs', () => {
  const json = build();
  const release = onlyResource(json, 'helm_release');
  const values = JSON.parse(release.values[0]);
  const groups = resourcesOf(json, 'aws_cloudwatch_log_group');
  const key = onlyResource(json, 'aws_kms_key');

  it('creates a KMS-encrypted group with the retention for each namespace, its own, and the fallback', () => {
    expect(groups.map((g) => g.name).sort()).toEqual(
      ['default', 'hexabid-node-agents', 'hexabid-system', 'hexabid-test', 'kube-system', 'unmatched'].map((n) => `/hexabid/test/containers/${n}`),
    );
    for (const group of groups) expect(group).toMatchObject({ retention_in_days: 30, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.Logs_Key_[A-Z0-9]+\.arn\}$/) });
    const logsStatement = parsePolicy(key.policy).Statement.find((s) => s.Sid === 'CloudWatchLogsEncryptsOwnLogGroups')!;
    expect(logsStatement.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toMatch(/:log-group:\/hexabid\/test\/containers\/\*$/);
  });

  it('lets Fluent Bit write only to those groups, and never create one', () => {
    const statements = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toEqual(['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    const groupIds = Object.keys(json.resource.aws_cloudwatch_log_group!);
    expect([...statements[0]!.Resource].sort()).toEqual(groupIds.map((id) => `\${aws_cloudwatch_log_group.${id}.arn}:*`).sort());
    expect(JSON.stringify(statements)).not.toMatch(/CreateLogGroup|PutRetentionPolicy|kms:|"\*"/);
    expect(onlyResource(json, 'aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'hexabid-test', service_account: values.serviceAccount.name });
  });

  it('runs in a privileged namespace of its own, with the reason', () => {
    const metadata = onlyResource(json, 'kubernetes_namespace_v1').metadata;
    expect(metadata.name).toBe('hexabid-node-agents');
    expect(metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(metadata.annotations['hexabid.in/pod-security-reason']).toMatch(/host paths.*\/var\/log/);
    expect(release.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.Logs_Namespace_/);
  });

  it('installs the pinned chart after the role association and every group', () => {
    expect(release).toMatchObject({ repository: 'https://aws.github.io/eks-charts', chart: 'aws-for-fluent-bit', version: '0.2.0' });
    expect(release.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_eks_pod_identity_association\./)]));
    expect(release.depends_on.filter((d: string) => d.startsWith('aws_cloudwatch_log_group.'))).toHaveLength(groups.length);
  });

  it('routes each namespace to its group, never creating one, and reads only the listed namespaces', () => {
    expect(values.cloudWatchLogs).toEqual({
      enabled: true,
      region: expect.stringMatching(/^\$\{data\.aws_region\./),
      logGroupName: '/hexabid/test/containers/unmatched',
      logGroupTemplate: "/hexabid/test/containers/$kubernetes['namespace_name']",
      logStreamTemplate: "$kubernetes['pod_name'].$kubernetes['container_name']",
      autoCreateGroup: false,
    });
    expect(values.input.path.split(',')).toEqual(
      ['hexabid-test', 'hexabid-system', 'kube-system', 'default', 'hexabid-node-agents'].map((ns) => `/var/log/containers/*_${ns}_*.log`),
    );
    expect(values.filter).toMatchObject({ mergeLog: 'On', mergeLogKey: 'data', keepLog: 'Off' });
  });

  it('runs on every node, with explicit resources and node-critical priority', () => {
    expect(values.tolerations).toEqual([workerToleration]);
    expect(values.resources).toEqual({ requests: { cpu: '50m', memory: '100Mi' }, limits: { memory: '200Mi' } });
    expect(values.priorityClassName).toBe('system-node-critical');
    expect(values.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('passes only values the chart has at 0.2.0', () => {
    const unknown = valuePaths(values).filter((path) => !CHART_KEYS_0_2_0.has(path));
    expect(unknown).toEqual([]);
  });

  it('saves Logs Insights queries on the app and kube-system groups', () => {
    const queries = resourcesOf(json, 'aws_cloudwatch_query_definition');
    expect(queries.map((q) => q.name).sort()).toEqual(
      ['app-5xx-by-route', 'app-errors-by-component', 'app-slowest-requests', 'kube-system-errors-and-restarts'].map((n) => `hexabid/test/containers/${n}`),
    );
    for (const query of queries) {
      expect(query.log_group_names).toEqual([groupNameRef(json, query.name.includes('kube-system') ? 'kube-system' : 'hexabid-test')]);
      expect(query.query_string).toMatch(/kubernetes\./);
    }
  });

  it('exposes its names and references', () => {
    synthConstruct((scope) => {
      const logs = new ContainerLogs(scope, 'Logs', props);
      expect(Object.keys(logs.logGroupNames).sort()).toEqual(['default', 'hexabid-node-agents', 'hexabid-system', 'hexabid-test', 'kube-system']);
      expect(Object.keys(logs.logGroupArns).sort()).toEqual(Object.keys(logs.logGroupNames).sort());
      expect(Object.keys(logs.queryDefinitionNames).sort()).toEqual(['appErrorsByComponent', 'kubeSystemErrorsAndRestarts', 'serverErrorsByRoute', 'slowestRequests']);
      for (const attribute of [logs.namespaceName, logs.kmsKeyArn, logs.roleArn, logs.unmatchedLogGroupName]) expect(attribute).toEqual(expect.any(String));
      expect(logs.release).toBeInstanceOf(AddonRelease);
    });
  });

  it('ships the agents namespace once when it is listed too', () => {
    const again = build({ namespaces: [...props.namespaces, 'hexabid-node-agents'] });
    expect(resourcesOf(again, 'aws_cloudwatch_log_group')).toHaveLength(groups.length);
  });

  it.each<[string, Partial<ContainerLogsProps>, string]>([
    ['an empty list', { namespaces: [] }, 'namespaces must name at least one namespace'],
    ['a duplicate', { namespaces: ['hexabid-test', 'kube-system', 'hexabid-test'] }, 'namespaces lists hexabid-test more than once'],
    ['an invalid name', { namespaces: ['hexabid-test', 'kube-system', 'Bad_Name'] }, 'namespaces "Bad_Name" are not valid namespace names'],
    ['the fallback\'s name', { namespaces: ['hexabid-test', 'kube-system', 'unmatched'] }, '"unmatched" cannot be shipped'],
    ['an unlisted app namespace', { appNamespace: 'hexabid-prod' }, 'appNamespace "hexabid-prod" must be one of namespaces'],
    ['no kube-system', { namespaces: ['hexabid-test'] }, 'namespaces must include "kube-system"'],
    ['a relative prefix', { logGroupPrefix: 'hexabid/test' }, 'logGroupPrefix "hexabid/test" must start with "/"'],
    ['a trailing slash', { logGroupPrefix: '/hexabid/test/' }, 'logGroupPrefix "/hexabid/test/" must start with "/", not end with "/"'],
  ])('refuses %s', (_, overrides, message) => {
    expect(() => build(overrides)).toThrow(`ContainerLogs Logs: ${message}`);
  });
});

/** The Terraform reference to a synthesized group's name, by namespace. */
function groupNameRef(json: TfJson, namespace: string): string {
  const [id] = Object.entries(json.resource.aws_cloudwatch_log_group!).find(([, group]) => group.name.endsWith(`/${namespace}`))!;
  return `\${aws_cloudwatch_log_group.${id}.name}`;
}
