import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { Construct } from 'constructs';
import { awsContext } from '../../internal/aws-context.ts';
import { requireProps, withDefaults } from '../../internal/props.ts';
import { EncryptionKey } from '../../security/kms-key.ts';
import { AddonRelease, type HelmChartSource, type HelmValues } from '../addons/addon-release.ts';
import { addonRole } from '../addons/addon-defaults.ts';
import { KubernetesNamespace } from '../namespace.ts';
import { CONTAINER_LOG_QUERIES, KUBE_SYSTEM_NAMESPACE, type ContainerLogQueryKey } from './container-log-queries.ts';
import type { ContainerResources, PodToleration } from './prometheus-stack.ts';

export interface ContainerLogsProps {
  /** The cluster's literal name: Pod Identity matches it. */
  readonly clusterName: string;
  /** `aws-for-fluent-bit` from https://aws.github.io/eks-charts, pinned; the values are checked against 0.2.0. */
  readonly chart: HelmChartSource;
  /**
   * Every namespace whose containers are shipped, each to a group of its own.
   * Containers of any other namespace are not read at all. The agents'
   * own namespace is always added.
   */
  readonly namespaces: readonly string[];
  /** The app's namespace: three of the saved queries read its group. One of `namespaces`. */
  readonly appNamespace: string;
  /** Log groups are `<logGroupPrefix>/<namespace>`, e.g. `/hexabid/prod/containers`. */
  readonly logGroupPrefix: string;
  /** Days every group keeps its events. */
  readonly logRetentionDays: number;
  /** Alias of the groups' KMS key, without `alias/`. */
  readonly keyAliasName: string;
  /** Taints the DaemonSet must tolerate so it runs on every node (the worker group's). */
  readonly tolerations: readonly PodToleration[];
  /**
   * The privileged namespace of node agents; node-exporter may share it.
   * @default 'hexabid-node-agents'
   */
  readonly namespace?: string;
  /**
   * Fluent Bit's container requests and limits. The tail input buffers at most
   * 5 MB before it pauses, so memory stays small.
   * @default - requests 50m CPU and 100Mi, limit 200Mi (no CPU limit)
   */
  readonly resources?: ContainerResources;
}

/** Every default of {@link ContainerLogsProps}, applied in one place. */
export const CONTAINER_LOGS_DEFAULTS = {
  namespace: 'hexabid-node-agents',
  resources: { requests: { cpu: '50m', memory: '100Mi' }, limits: { memory: '200Mi' } },
} as const satisfies Partial<ContainerLogsProps>;

/** The group of records whose namespace could not be read; never a namespace's name. */
export const UNMATCHED_LOG_GROUP = 'unmatched';

/**
 * Why the agents' namespace is privileged: baseline forbids hostPath volumes,
 * and Fluent Bit must read the node's container logs.
 */
export const NODE_AGENTS_POD_SECURITY_REASON =
  'Node agents read host paths: Fluent Bit tails /var/log/containers (and the /var/log/pods files behind them) through hostPath volumes and keeps its position in /var/log';

const RELEASE_NAME = 'aws-for-fluent-bit';
const SERVICE_ACCOUNT = 'aws-for-fluent-bit';
const LOG_GROUP_PREFIX_PATTERN = /^(\/[A-Za-z0-9._#-]+)+$/;
const NAMESPACE_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Container logs of the listed namespaces, shipped to CloudWatch Logs by
 * AWS for Fluent Bit (chart `aws-for-fluent-bit`), one log group per namespace.
 *
 * Why Fluent Bit and not the `amazon-cloudwatch-observability` EKS add-on:
 * the add-on writes to three fixed per-cluster groups it creates itself
 * (`/aws/containerinsights/<cluster>/application|dataplane|host`, with
 * `auto_create_group`): no group per namespace, no customer KMS key, retention
 * set outside Terraform, and it turns on Container Insights with enhanced
 * observability, billed per observation, on top of log ingestion. Fluent Bit
 * writes only to groups Terraform creates, KMS-encrypted, one per namespace,
 * with the environment's retention, and costs only ingestion and storage.
 *
 * | Input | |
 * |---|---|
 * | `namespaces` | shipped namespaces; each gets `<logGroupPrefix>/<namespace>` |
 * | `appNamespace` | the app's; the saved app queries read its group |
 * | `logGroupPrefix`, `logRetentionDays`, `keyAliasName` | the groups and their key |
 * | `tolerations`, `resources` | the DaemonSet, on every node |
 *
 * | Output | |
 * |---|---|
 * | `namespaceName` | the privileged node-agents namespace |
 * | `logGroupNames`, `logGroupArns` | per namespace; `unmatchedLogGroupName` for the rest |
 * | `kmsKeyArn`, `roleArn`, `release`, `queryDefinitionNames` | |
 *
 * How it is kept safe:
 * - Fluent Bit never creates a group (`autoCreateGroup: false`) and its role
 *   cannot (no `logs:CreateLogGroup`), so no unencrypted group with endless
 *   retention appears. The tail input reads only the listed namespaces'
 *   files (`/var/log/containers/<pod>_<namespace>_<container>-<id>.log`), so
 *   a namespace created later by hand is not shipped rather than failing on a
 *   missing group; add it to `namespaces` to ship it.
 * - Records whose namespace cannot be read go to `<logGroupPrefix>/unmatched`
 *   (`log_group_template` falls back to `log_group_name`).
 * - The role may only create streams in, describe and write to these groups.
 *   It needs no KMS permission: CloudWatch Logs encrypts with the key, whose
 *   policy admits the Logs service for groups under the prefix.
 * - The namespace is privileged (hostPath), so Pod Security checks nothing
 *   there; the chart's own security context drops every capability and
 *   privilege escalation instead. Fluent Bit runs as root, which owns the
 *   log files it reads, so it needs no capability for that.
 *
 * Queryable: each record keeps the Kubernetes metadata as JSON (`kubernetes.pod_name`,
 * `kubernetes.container_name`, `kubernetes.labels.*`…), a JSON line's fields are
 * parsed under `data.*`, and each pod's container writes its own stream
 * `<pod>.<container>`. Saved Logs Insights queries are in `container-log-queries.ts`.
 */
export class ContainerLogs extends Construct {
  /** The node agents' namespace, as a reference (orders work after it exists). */
  readonly namespaceName: string;
  /** Each shipped namespace's log group name, by namespace. */
  readonly logGroupNames: Readonly<Record<string, string>>;
  /** Each shipped namespace's log group ARN (without `:*`), by namespace. */
  readonly logGroupArns: Readonly<Record<string, string>>;
  /** The group for records without a namespace. */
  readonly unmatchedLogGroupName: string;
  readonly unmatchedLogGroupArn: string;
  /** The key encrypting every group. */
  readonly kmsKeyArn: string;
  /** Fluent Bit's role, through Pod Identity. */
  readonly roleArn: string;
  /** The chart's release: depending on it means Fluent Bit is running. */
  readonly release: AddonRelease;
  /** The saved Logs Insights queries' names, by what they answer. */
  readonly queryDefinitionNames: Readonly<Record<ContainerLogQueryKey, string>>;

  constructor(scope: Construct, id: string, props: ContainerLogsProps) {
    super(scope, id);
    const p = withDefaults(props, CONTAINER_LOGS_DEFAULTS);
    validate(id, p.namespaces, p.appNamespace, p.logGroupPrefix, p.namespace);
    // The agents' own logs are shipped too, so a failing shipper is visible.
    const shipped = p.namespaces.includes(p.namespace) ? [...p.namespaces] : [...p.namespaces, p.namespace];

    const namespace = new KubernetesNamespace(this, 'Namespace', {
      name: p.namespace,
      podSecurity: 'privileged',
      podSecurityReason: NODE_AGENTS_POD_SECURITY_REASON,
    });

    const key = new EncryptionKey(this, 'Key', {
      aliasName: p.keyAliasName,
      description: `Encrypts the container logs under ${p.logGroupPrefix}/`,
      cloudWatchLogGroupPrefix: `${p.logGroupPrefix}/`,
    });
    const logGroup = (construct: string, name: string) =>
      new CloudwatchLogGroup(this, construct, { name: `${p.logGroupPrefix}/${name}`, retentionInDays: p.logRetentionDays, kmsKeyId: key.keyArn });
    const groups = new Map(shipped.map((ns) => [ns, logGroup(`LogGroup-${ns}`, ns)] as const));
    const unmatched = logGroup('LogGroup-unmatched', UNMATCHED_LOG_GROUP);
    const allGroups = [...groups.values(), unmatched];

    const role = addonRole(this, {
      clusterName: p.clusterName,
      addonName: 'fluent-bit',
      namespace,
      serviceAccount: SERVICE_ACCOUNT,
      statements: [
        {
          Sid: 'WriteContainerLogGroups',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
          Resource: allGroups.map((group) => `${group.arn}:*`),
        },
      ],
    });

    this.release = new AddonRelease(this, 'Chart', {
      releaseName: RELEASE_NAME,
      namespace: namespace.namespaceName,
      chart: p.chart,
      values: fluentBitValues({
        region: awsContext(this).region,
        logGroupPrefix: p.logGroupPrefix,
        namespaces: shipped,
        tolerations: p.tolerations,
        resources: p.resources,
      }),
      // Credentials and every group exist before the first record is sent.
      dependsOn: [...role.associations, ...allGroups],
    });

    const groupNames = (ns: string) => [groups.get(ns)!.name];
    const scopeGroups = { app: groupNames(p.appNamespace), kubeSystem: groupNames(KUBE_SYSTEM_NAMESPACE) };
    const folder = p.logGroupPrefix.slice(1);
    const queryNames: Partial<Record<ContainerLogQueryKey, string>> = {};
    for (const [queryKey, query] of Object.entries(CONTAINER_LOG_QUERIES) as [ContainerLogQueryKey, (typeof CONTAINER_LOG_QUERIES)[ContainerLogQueryKey]][]) {
      const definition = new CloudwatchQueryDefinition(this, `Query-${query.name}`, {
        // Slashes make folders in the console: hexabid > <env> > containers.
        name: `${folder}/${query.name}`,
        queryString: query.queryString,
        logGroupNames: scopeGroups[query.scope],
      });
      queryNames[queryKey] = definition.name;
    }

    this.namespaceName = namespace.namespaceName;
    this.logGroupNames = Object.fromEntries([...groups].map(([ns, group]) => [ns, group.name]));
    this.logGroupArns = Object.fromEntries([...groups].map(([ns, group]) => [ns, group.arn]));
    this.unmatchedLogGroupName = unmatched.name;
    this.unmatchedLogGroupArn = unmatched.arn;
    this.kmsKeyArn = key.keyArn;
    this.roleArn = role.roleArn;
    this.queryDefinitionNames = queryNames as Record<ContainerLogQueryKey, string>;
  }
}

function validate(id: string, namespaces: readonly string[], appNamespace: string, logGroupPrefix: string, agentsNamespace: string): void {
  const refuse = (condition: boolean, message: string): void => requireProps(condition, 'ContainerLogs', id, message);
  refuse(namespaces.length > 0, 'namespaces must name at least one namespace');
  const duplicates = namespaces.filter((ns, i) => namespaces.indexOf(ns) !== i);
  refuse(duplicates.length === 0, `namespaces lists ${[...new Set(duplicates)].join(', ')} more than once`);
  const invalid = namespaces.filter((ns) => !NAMESPACE_PATTERN.test(ns));
  refuse(invalid.length === 0, `namespaces ${invalid.map((ns) => `"${ns}"`).join(', ')} are not valid namespace names (RFC 1123 label)`);
  refuse(
    !namespaces.includes(UNMATCHED_LOG_GROUP) && agentsNamespace !== UNMATCHED_LOG_GROUP,
    `"${UNMATCHED_LOG_GROUP}" cannot be shipped: its log group is the fallback for records without a namespace`,
  );
  refuse(namespaces.includes(appNamespace), `appNamespace "${appNamespace}" must be one of namespaces (${namespaces.join(', ')})`);
  refuse(namespaces.includes(KUBE_SYSTEM_NAMESPACE), `namespaces must include "${KUBE_SYSTEM_NAMESPACE}": the platform's own errors are shipped and queried there`);
  refuse(
    LOG_GROUP_PREFIX_PATTERN.test(logGroupPrefix),
    `logGroupPrefix "${logGroupPrefix}" must start with "/", not end with "/", and hold only letters, digits and . _ - # / (e.g. "/hexabid/prod/containers")`,
  );
}

/**
 * The chart's values. Every key exists in `stable/aws-for-fluent-bit` 0.2.0
 * (values.yaml, or the templates for `priorityClassName` and
 * `filter.extraFilters`, which values.yaml only shows commented out).
 */
function fluentBitValues(options: {
  region: string;
  logGroupPrefix: string;
  namespaces: readonly string[];
  tolerations: readonly PodToleration[];
  resources: ContainerResources;
}): HelmValues {
  return {
    serviceAccount: { create: true, name: SERVICE_ACCOUNT },
    // Tail's Path takes comma-separated patterns; kubelet names each file <pod>_<namespace>_<container>-<id>.log,
    // and neither pod nor namespace names can hold "_", so each pattern is exactly one namespace.
    input: { path: options.namespaces.map((ns) => `/var/log/containers/*_${ns}_*.log`).join(',') },
    filter: {
      // A JSON line's fields land under `data.*`; the raw `log` is dropped once parsed (half the bytes ingested).
      mergeLog: 'On',
      mergeLogKey: 'data',
      keepLog: 'Off',
      // A pod can opt out with the annotation fluentbit.io/exclude: "true".
      k8sLoggingExclude: 'On',
      // Labels stay (kubernetes.labels.*); annotations are mostly checksums and only cost bytes.
      extraFilters: 'Labels On\nAnnotations Off',
    },
    cloudWatchLogs: {
      enabled: true,
      region: options.region,
      logGroupName: `${options.logGroupPrefix}/${UNMATCHED_LOG_GROUP}`,
      logGroupTemplate: `${options.logGroupPrefix}/$kubernetes['namespace_name']`,
      logStreamTemplate: "$kubernetes['pod_name'].$kubernetes['container_name']",
      // Terraform creates every group with its key and retention; the template omits the option when false.
      autoCreateGroup: false,
    },
    resources: options.resources,
    priorityClassName: 'system-node-critical',
    tolerations: [...options.tolerations],
    podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}
