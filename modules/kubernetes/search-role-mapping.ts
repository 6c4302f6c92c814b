import { createHash } from 'node:crypto';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';

export interface SearchRoleMappingProps {
  /** The cluster's literal name, for the Pod Identity association. */
  readonly clusterName: string;
  /** Where the job runs; its service account is bound to the master role. */
  readonly namespace: string;
  /** The domain's endpoint hostname (no scheme). */
  readonly domainEndpoint: string;
  /** The domain's region, which requests are signed for. */
  readonly region: string;
  /** The fine-grained access control master role; it must trust Pod Identity for this job's service account. */
  readonly masterRoleArn: string;
  /** IAM roles that get the OpenSearch role (the app's Pod Identity role). */
  readonly backendRoleArns: readonly string[];
  /** An AWS CLI v2 image with curl 7.75 or newer (for `--aws-sigv4`), pinned to a version. */
  readonly image: string;
  /**
   * Name of the OpenSearch role the backend roles map to.
   * @default 'hexabid_app'
   */
  readonly roleName?: string;
  /**
   * Indices the role may read, write and manage.
   * @default ['*'] - every data index; never the security index or cluster settings
   */
  readonly indexPatterns?: readonly string[];
  /**
   * The job's service account; the master role's trust names it.
   * @default 'opensearch-security'
   */
  readonly serviceAccountName?: string;
  /**
   * IAM roles that register repositories and take and restore snapshots
   * (`SearchSnapshots`' role). Each is mapped to the built-in `manage_snapshots`
   * role, which fine-grained access control requires of the role that registers a
   * repository, and to {@link SNAPSHOT_MONITOR_ROLE}, whose cluster health a restore
   * polls until its shards are back. The `manage_snapshots` mapping is then
   * Terraform's: one made by hand is replaced.
   * @default [] - neither mapping is written
   */
  readonly snapshotRoleArns?: readonly string[];
  /**
   * The snapshot roles also restore into this domain (a standby): they may then
   * read every index's health and update cluster settings, which a restore
   * needs to hold back index auto-creation (`SearchSnapshots`' restore).
   * @default false
   */
  readonly snapshotRolesRestore?: boolean;
  /** @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link SearchRoleMappingProps}, applied in one place. */
export const SEARCH_ROLE_MAPPING_DEFAULTS = {
  roleName: 'hexabid_app',
  indexPatterns: ['*'],
  serviceAccountName: 'opensearch-security',
  snapshotRoleArns: [],
  snapshotRolesRestore: false,
  dependsOn: [],
} as const satisfies Partial<SearchRoleMappingProps>;

/** The index actions the app needs: documents in and out, and its own index lifecycle. */
export const APP_INDEX_ACTIONS = ['crud', 'create_index', 'manage'] as const;
/** The cluster actions the app needs: bulk and multi-get, and health for readiness. */
export const APP_CLUSTER_ACTIONS = ['cluster_composite_ops', 'cluster_monitor'] as const;

/** The built-in role fine-grained access control requires for registering a repository (AWS, "Registering a manual snapshot repository"). */
export const MANAGE_SNAPSHOTS_ROLE = 'manage_snapshots';
/** Cluster health and nothing else: `manage_snapshots` lacks it, and a restore waits on it. */
export const SNAPSHOT_MONITOR_ROLE = 'hexabid_snapshot_monitor';
export const SNAPSHOT_MONITOR_CLUSTER_ACTIONS = ['cluster:monitor/health'] as const;
/** What a restoring snapshot role adds: cluster settings (auto-creation held back), and every index's health. */
export const SNAPSHOT_RESTORE_CLUSTER_ACTIONS = ['cluster:monitor/health', 'cluster:admin/settings/update'] as const;
export const SNAPSHOT_RESTORE_INDEX_ACTIONS = ['indices:monitor/*'] as const;

/**
 * Signs with the pod's role and PUTs one security object; fails the job on any
 * non-2xx answer. Shell variables are written `$NAME`, never `\${NAME}`: the
 * script travels in Terraform JSON, where `\${` starts an interpolation.
 */
const SCRIPT = `#!/bin/sh
set -eu
eval "$(aws configure export-credentials --format env)"
put() {
  curl --silent --show-error --fail-with-body --max-time 30 --retry 5 --retry-all-errors \\
    --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\
    -H "x-amz-security-token: $AWS_SESSION_TOKEN" -H 'Content-Type: application/json' \\
    -X PUT "https://$OPENSEARCH_HOST/_plugins/_security/api/$1" --data "@/config/$2"
  echo
}
put "roles/$ROLE_NAME" role.json
put "rolesmapping/$ROLE_NAME" mapping.json
`;

/** Appended to {@link SCRIPT} only with `snapshotRoleArns`, so that without them nothing changes. */
const SNAPSHOT_SCRIPT_LINES = `put "roles/${SNAPSHOT_MONITOR_ROLE}" snapshot-monitor-role.json
put "rolesmapping/${SNAPSHOT_MONITOR_ROLE}" snapshot-mapping.json
put "rolesmapping/${MANAGE_SNAPSHOTS_ROLE}" snapshot-mapping.json
`;

/**
 * Maps the app's IAM role to an OpenSearch role inside a domain with
 * fine-grained access control, which the AWS API cannot do: a Kubernetes Job,
 * run as the domain's master role through Pod Identity, PUTs the role and its
 * mapping through the security REST API. With `snapshotRoleArns` it also maps
 * the snapshot job's role to `manage_snapshots`. The job's name carries a hash
 * of what it writes, so any change runs it again; the apply fails if it fails.
 */
export class SearchRoleMapping extends Construct {
  readonly roleName: string;
  readonly job: JobV1;

  constructor(scope: Construct, id: string, props: SearchRoleMappingProps) {
    super(scope, id);
    const p = withDefaults(props, SEARCH_ROLE_MAPPING_DEFAULTS);
    requireProps(p.backendRoleArns.length > 0, 'SearchRoleMapping', id, 'backendRoleArns must name at least one IAM role to map');
    requireProps(p.indexPatterns.length > 0, 'SearchRoleMapping', id, 'indexPatterns must name at least one index pattern');
    requireProps(/^[a-z][a-z0-9_]{0,62}$/.test(p.roleName), 'SearchRoleMapping', id, `roleName must be lowercase letters, digits and _ (got "${p.roleName}")`);
    const snapshots = p.snapshotRoleArns.length > 0;
    requireProps(
      !snapshots || (p.roleName !== MANAGE_SNAPSHOTS_ROLE && p.roleName !== SNAPSHOT_MONITOR_ROLE),
      'SearchRoleMapping',
      id,
      `roleName "${p.roleName}" conflicts with snapshotRoleArns, which are mapped to ${MANAGE_SNAPSHOTS_ROLE} and ${SNAPSHOT_MONITOR_ROLE}`,
    );
    const script = snapshots ? SCRIPT + SNAPSHOT_SCRIPT_LINES : SCRIPT;

    const role = JSON.stringify({
      description: 'HexaBid application (managed by Terraform)',
      cluster_permissions: APP_CLUSTER_ACTIONS,
      index_permissions: [{ index_patterns: p.indexPatterns, allowed_actions: APP_INDEX_ACTIONS }],
    });
    const mapping = Fn.jsonencode({ backend_roles: p.backendRoleArns, description: 'HexaBid application roles (managed by Terraform)' });
    const snapshotRole = JSON.stringify(
      p.snapshotRolesRestore
        ? {
            description: 'Cluster and index health, and the auto-creation setting, for HexaBid snapshot restores (managed by Terraform)',
            cluster_permissions: SNAPSHOT_RESTORE_CLUSTER_ACTIONS,
            index_permissions: [{ index_patterns: ['*'], allowed_actions: SNAPSHOT_RESTORE_INDEX_ACTIONS }],
          }
        : { description: 'Cluster health, for HexaBid snapshot restores (managed by Terraform)', cluster_permissions: SNAPSHOT_MONITOR_CLUSTER_ACTIONS },
    );
    const snapshotMapping = Fn.jsonencode({ backend_roles: p.snapshotRoleArns, description: 'HexaBid snapshot roles (managed by Terraform)' });

    const serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: p.serviceAccountName, namespace: p.namespace },
      automountServiceAccountToken: false,
    });
    const association = new EksPodIdentityAssociation(this, 'Association', {
      clusterName: p.clusterName,
      namespace: p.namespace,
      serviceAccount: p.serviceAccountName,
      roleArn: p.masterRoleArn,
    });
    const files = new ConfigMapV1(this, 'Config', {
      metadata: { name: `${p.serviceAccountName}-config`, namespace: p.namespace },
      data: {
        'apply.sh': script,
        'role.json': role,
        'mapping.json': mapping,
        ...(snapshots ? { 'snapshot-monitor-role.json': snapshotRole, 'snapshot-mapping.json': snapshotMapping } : {}),
      },
    });
    // What is known at synth is hashed here; only references go to Terraform, whose
    // functions would choke on the script's and the role's quotes.
    const known = createHash('sha256')
      .update([script, role, p.image, ...(snapshots ? [snapshotRole] : [])].join('\n'))
      .digest('hex')
      .slice(0, 8);
    const digest = Fn.substr(Fn.sha256(Fn.join('\n', [known, mapping, p.domainEndpoint, ...(snapshots ? [snapshotMapping] : [])])), 0, 10);

    this.roleName = p.roleName;
    this.job = new JobV1(this, 'Job', {
      metadata: { name: `${p.serviceAccountName}-${digest}`, namespace: p.namespace, labels: { 'app.kubernetes.io/name': p.serviceAccountName, 'app.kubernetes.io/managed-by': 'terraform' } },
      spec: {
        backoffLimit: 4,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': p.serviceAccountName } },
          spec: {
            serviceAccountName: p.serviceAccountName,
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            // Restricted Pod Security: non-root, no privilege, read-only root.
            securityContext: { runAsNonRoot: true, runAsUser: '65532', runAsGroup: '65532', seccompProfile: { type: 'RuntimeDefault' } },
            nodeSelector: { 'hexabid.in/node-group': 'app' },
            container: [
              {
                name: 'apply',
                image: p.image,
                command: ['/bin/sh', '/config/apply.sh'],
                env: [
                  { name: 'OPENSEARCH_HOST', value: p.domainEndpoint },
                  { name: 'ROLE_NAME', value: p.roleName },
                  { name: 'AWS_REGION', value: p.region },
                  // The CLI keeps a cache under HOME.
                  { name: 'HOME', value: '/tmp' },
                ],
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                volumeMount: [
                  { name: 'config', mountPath: '/config', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volume: [
              { name: 'config', configMap: { name: files.metadata.name } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: '10m', update: '10m' },
      dependsOn: [serviceAccount, association, files, ...p.dependsOn],
    });
  }
}
