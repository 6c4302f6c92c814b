import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { CronJobV1, type CronJobV1SpecJobTemplateSpecTemplateSpec } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { PodIdentityRole } from '../../identity/pod-identity-role.ts';
import { requireProps, withDefaults } from '../../internal/props.ts';
import { terraformLiteral } from '../../internal/terraform-literal.ts';
import { snapshotStatements } from './access.ts';
import { isCronSchedule } from '../../../lib/cron.ts';
import { RESTORE_EXCLUDED_INDICES, RESTORE_HOLD_SCRIPT, RESTORE_SCRIPT, SNAPSHOT_SCRIPT } from './scripts.ts';

/** Where a standby region restores from: the replica of the snapshot bucket. */
export interface SearchSnapshotRestoreProps {
  /** The replica bucket (SearchSnapshotStorage's replica), registered read-only. */
  readonly bucketName: string;
  /** The replica bucket's region, normally the standby domain's own. */
  readonly region: string;
  /**
   * The name the replica is registered under in this domain.
   * @default - `<repositoryName>-replica`
   */
  readonly repositoryName?: string;
}

export interface SearchSnapshotsProps {
  /** The cluster's literal name: it names the role (`<clusterName>-search-snapshot-job`) and Pod Identity matches it. */
  readonly clusterName: string;
  /** Where the CronJobs run (the platform namespace). */
  readonly namespace: string;
  /** The domain's ARN; the role may call its `_snapshot` API and nothing else. */
  readonly domainArn: string;
  /** The domain's endpoint hostname (no scheme). */
  readonly domainEndpoint: string;
  /** The domain's region, which requests are signed for; the snapshot bucket is in it too. */
  readonly region: string;
  /** The S3 bucket the snapshots go to (SearchSnapshotStorage's `bucketName`), encrypted by default with its KMS key. */
  readonly bucketName: string;
  /**
   * The role the domain assumes to read and write the bucket (SearchSnapshotStorage's
   * `roleArn`, trusted by es.amazonaws.com). The job passes it when it registers a repository.
   */
  readonly repositoryRoleArn: string;
  /** An AWS CLI v2 image with curl 7.76 or newer (`--aws-sigv4`, `--fail-with-body`), pinned to a version. */
  readonly image: string;
  /**
   * The snapshot repository's name in the domain.
   * @default 'hexabid-snapshots'
   */
  readonly repositoryName?: string;
  /**
   * When the daily snapshot is taken: five-field cron, in UTC.
   * @default '30 4 * * *' - after the database's 03:00-04:00 UTC backup window
   */
  readonly schedule?: string;
  /**
   * Days a daily snapshot is kept (1-365); older `daily-*` snapshots are deleted after each successful one.
   * @default 14
   */
  readonly retentionDays?: number;
  /**
   * Keeps the daily snapshot CronJob but suspends it: nothing runs on schedule and the
   * staleness alert ignores it. For a standby domain, which is restored, not backed up,
   * until failback; on-call can still take one with `kubectl create job --from=cronjob/search-snapshot`.
   * @default false
   */
  readonly suspendSnapshots?: boolean;
  /**
   * Restores the newest successful snapshot from the replica bucket when the stack is
   * applied: the `search-restore-hold` Job (index auto-creation held back, waited for;
   * `restoreHold` is what installs the app must depend on), the `search-restore` Job
   * beside it, and a suspended CronJob of that name for runs by hand.
   * @default - no restore
   */
  readonly restore?: SearchSnapshotRestoreProps;
  /**
   * The jobs' service account, which Pod Identity binds to the role.
   * @default 'search-snapshots'
   */
  readonly serviceAccountName?: string;
  /** @default { 'hexabid.in/node-group': 'app' } */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

/** Every default of {@link SearchSnapshotsProps}, applied in one place. */
export const SEARCH_SNAPSHOTS_DEFAULTS = {
  repositoryName: 'hexabid-snapshots',
  schedule: '30 4 * * *',
  retentionDays: 14,
  suspendSnapshots: false,
  serviceAccountName: 'search-snapshots',
  nodeSelector: { 'hexabid.in/node-group': 'app' },
} as const satisfies Partial<SearchSnapshotsProps>;

/** The daily CronJob; the `HexabidSearchSnapshotStale` alert watches it by this name. */
export const SEARCH_SNAPSHOT_CRONJOB = 'search-snapshot';
/** The restore: a Job the standby's apply starts, and a suspended CronJob of the same name for runs by hand. */
export const SEARCH_RESTORE_CRONJOB = 'search-restore';
/** The Job that holds back index auto-creation until the restore has run. */
export const SEARCH_RESTORE_HOLD_JOB = 'search-restore-hold';

/**
 * A repository name that OpenSearch accepts (no `#`, `\`, `/`, `*`, `?`, `"`, `<`, `>`,
 * `|`, `,` or space) and that is safe in a URL path: lowercase letters, digits, `.`, `_`
 * and `-`, not starting with `_` (the API's own words, such as `_status`) nor with `cs-`,
 * which OpenSearch Service keeps for its automated snapshots.
 */
const REPOSITORY_NAME = /^(?!cs-)[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * OpenSearch Service manual snapshots, taken from inside the cluster: a daily
 * CronJob, run as a Pod Identity role that may call only the domain's `_snapshot`
 * API and pass the repository role, registers the S3 repository, takes
 * `daily-<UTC time>`, fails unless it succeeded, and deletes daily snapshots past
 * the retention. The CronJob's last success is what the staleness alert reads.
 *
 * With `restore`, the apply restores the newest successful snapshot from the replica
 * bucket in a standby region (see `restore`); a run by hand is
 * `kubectl -n <namespace> create job --from=cronjob/search-restore search-restore-<n>`.
 *
 * Fine-grained access control must map the role (`roleArn`) to `manage_snapshots`:
 * `SearchRoleMapping`'s `snapshotRoleArns`. Pods meet the restricted Pod Security Standard.
 */
export class SearchSnapshots extends Construct {
  /** The jobs' Pod Identity role; map it with `SearchRoleMapping`'s `snapshotRoleArns`. */
  readonly roleArn: string;
  /** The jobs' service account, bound to the role. */
  readonly serviceAccountName: string;
  /** The daily snapshot CronJob. */
  readonly cronJobName: string;
  /** The restore CronJob, when `restore` is set. */
  readonly restoreCronJobName?: string;
  /**
   * With `restore`, the Job that holds back index auto-creation until the restore
   * has run: the app's release must depend on it, so no write creates an index
   * the restore would then refuse.
   */
  readonly restoreHold?: JobV1;
  /** The repository the daily snapshots go to. */
  readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: SearchSnapshotsProps) {
    super(scope, id);
    const p = withDefaults(props, SEARCH_SNAPSHOTS_DEFAULTS);
    const restoreRepositoryName = p.restore ? (p.restore.repositoryName ?? `${p.repositoryName}-replica`) : undefined;
    requireProps(
      Number.isInteger(p.retentionDays) && p.retentionDays >= 1 && p.retentionDays <= 365,
      'SearchSnapshots',
      id,
      `retentionDays must be a whole number of days from 1 to 365 (got ${p.retentionDays})`,
    );
    requireProps(
      isCronSchedule(p.schedule),
      'SearchSnapshots',
      id,
      `schedule must be a five-field cron expression in UTC, such as '30 4 * * *' (got "${p.schedule}")`,
    );
    for (const [field, name] of [['repositoryName', p.repositoryName], ['restore.repositoryName', restoreRepositoryName]] as const) {
      if (name === undefined) continue;
      requireProps(
        REPOSITORY_NAME.test(name),
        'SearchSnapshots',
        id,
        `${field} must be 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit and not with "cs-" (got "${name}")`,
      );
    }
    requireProps(
      restoreRepositoryName !== p.repositoryName,
      'SearchSnapshots',
      id,
      `restore.repositoryName must differ from repositoryName (both "${p.repositoryName}"): the replica is registered read-only beside the daily repository`,
    );

    const labels = { 'app.kubernetes.io/name': 'search-snapshots', 'app.kubernetes.io/managed-by': 'terraform' };
    const role = new PodIdentityRole(this, 'Role', {
      clusterName: p.clusterName,
      // Not `-search-snapshots`: that is the infrastructure stack's repository role, which OpenSearch assumes.
      roleName: `${p.clusterName}-search-snapshot-job`,
      serviceAccounts: [{ namespace: p.namespace, name: p.serviceAccountName }],
      statements: snapshotStatements(p.domainArn, p.repositoryRoleArn, { waitForRestore: p.restore !== undefined }),
    });
    const serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
      metadata: { name: p.serviceAccountName, namespace: p.namespace, labels },
      automountServiceAccountToken: false,
    });

    // Bodies with references go through jsonencode; Terraform fills in the ARNs and names.
    const data: Record<string, string> = {
      'snapshot.sh': terraformLiteral(SNAPSHOT_SCRIPT),
      'repository.json': Fn.jsonencode({
        type: 's3',
        // No `server_side_encryption`: it asks S3 for SSE-S3 keys (AWS, "Encrypting snapshot
        // repositories") and would override the bucket's default SSE-KMS with its own key.
        settings: { bucket: p.bucketName, region: p.region, role_arn: p.repositoryRoleArn },
      }),
    };
    if (p.restore) {
      data['restore.sh'] = terraformLiteral(RESTORE_SCRIPT);
      data['restore-repository.json'] = Fn.jsonencode({
        type: 's3',
        // Read-only: only the primary domain writes to the repository (AWS, "Migrating data to a different domain").
        settings: { bucket: p.restore.bucketName, region: p.restore.region, role_arn: p.repositoryRoleArn, readonly: true },
      });
      data['restore.json'] = JSON.stringify({ indices: RESTORE_EXCLUDED_INDICES.join(','), include_global_state: false });
      data['restore-hold.sh'] = terraformLiteral(RESTORE_HOLD_SCRIPT);
      data['hold-auto-create.json'] = JSON.stringify({ persistent: { 'action.auto_create_index': 'false' } });
      // null puts the setting back to OpenSearch's default (true).
      data['release-auto-create.json'] = JSON.stringify({ persistent: { 'action.auto_create_index': null } });
    }
    const files = new ConfigMapV1(this, 'Config', { metadata: { name: p.serviceAccountName, namespace: p.namespace, labels }, data });

    const pod = (script: string, env: Readonly<Record<string, string>>): CronJobV1SpecJobTemplateSpecTemplateSpec => ({
      serviceAccountName: p.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
      // Restricted Pod Security: non-root, no privilege, read-only root.
      securityContext: { runAsNonRoot: true, runAsUser: '65532', runAsGroup: '65532', seccompProfile: { type: 'RuntimeDefault' } },
      nodeSelector: { ...p.nodeSelector },
      container: [
        {
          name: 'run',
          image: p.image,
          command: ['/bin/sh', `/config/${script}`],
          env: [
            { name: 'OPENSEARCH_HOST', value: p.domainEndpoint },
            { name: 'AWS_REGION', value: p.region },
            ...Object.entries(env).map(([name, value]) => ({ name, value })),
            // The CLI keeps a cache under HOME; the scripts keep their answers under TMPDIR.
            { name: 'HOME', value: '/tmp' },
            { name: 'TMPDIR', value: '/tmp' },
          ],
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMount: [
            { name: 'config', mountPath: '/config', readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volume: [
        { name: 'config', configMap: { name: files.metadata.name } },
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } },
      ],
    });
    const dependsOn = [serviceAccount, files, ...role.associations];

    new CronJobV1(this, 'Snapshot', {
      metadata: { name: SEARCH_SNAPSHOT_CRONJOB, namespace: p.namespace, labels },
      spec: {
        schedule: p.schedule,
        timezone: 'Etc/UTC',
        suspend: p.suspendSnapshots,
        // One snapshot at a time; a run missed by more than an hour waits for the next day.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            // A retry takes a new snapshot; three hours cover AWS's 20-30 minute daily snapshot many times over.
            backoffLimit: 2,
            activeDeadlineSeconds: 3 * 3600,
            template: {
              metadata: { labels },
              spec: pod('snapshot.sh', { REPOSITORY: p.repositoryName, BUCKET: p.bucketName, RETENTION_DAYS: String(p.retentionDays) }),
            },
          },
        },
      },
      dependsOn,
    });

    if (p.restore && restoreRepositoryName !== undefined) {
      const restoreEnv = { REPOSITORY: restoreRepositoryName, BUCKET: p.restore.bucketName, EXCLUDED: RESTORE_EXCLUDED_INDICES.join(',') };
      // Every step of the restore can run again (it waits for a restore already accepted), so it is retried.
      const restoreJob = { backoffLimit: 2, activeDeadlineSeconds: 4 * 3600, template: { metadata: { labels }, spec: pod('restore.sh', restoreEnv) } };
      new CronJobV1(this, 'Restore', {
        metadata: { name: SEARCH_RESTORE_CRONJOB, namespace: p.namespace, labels },
        spec: {
          // Never runs on its own: the schedule is required, the suspension keeps it idle. For runs by hand.
          schedule: '0 0 1 1 *',
          timezone: 'Etc/UTC',
          suspend: true,
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { metadata: { labels }, spec: restoreJob },
        },
        dependsOn,
      });
      // The apply holds auto-creation back and waits for it; whatever installs the app must wait for the hold.
      this.restoreHold = new JobV1(this, 'RestoreHold', {
        metadata: { name: SEARCH_RESTORE_HOLD_JOB, namespace: p.namespace, labels },
        spec: { backoffLimit: 4, activeDeadlineSeconds: 900, template: { metadata: { labels }, spec: pod('restore-hold.sh', restoreEnv) } },
        waitForCompletion: true,
        timeouts: { create: '15m', update: '15m' },
        dependsOn,
      });
      // The restore starts with the apply and runs beside the app: the apply does not wait for it.
      new JobV1(this, 'RestoreNow', {
        metadata: { name: SEARCH_RESTORE_CRONJOB, namespace: p.namespace, labels },
        spec: restoreJob,
        waitForCompletion: false,
        dependsOn: [...dependsOn, this.restoreHold],
      });
    }

    this.roleArn = role.roleArn;
    this.serviceAccountName = p.serviceAccountName;
    this.cronJobName = SEARCH_SNAPSHOT_CRONJOB;
    this.restoreCronJobName = p.restore ? SEARCH_RESTORE_CRONJOB : undefined;
    this.repositoryName = p.repositoryName;
  }
}
