import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { CronJobV1, type CronJobV1SpecJobTemplateSpecTemplateSpec } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { PodIdentityRole } from '../identity/pod-identity-role.ts';
import type { PolicyStatement } from '../internal/iam.ts';
import { requireProps, withDefaults } from '../internal/props.ts';
import { terraformLiteral } from '../internal/terraform-literal.ts';

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
 * What a restore leaves out: the Dashboards and fine-grained access control indices,
 * whose special permissions make a restore of everything fail (AWS, "Restoring
 * snapshots", which restores `-.kibana*,-.opendistro*`), and the plugins' `.plugins*`
 * system indices, which the standby domain may already hold: an open index of the
 * same name fails the whole restore.
 */
export const RESTORE_EXCLUDED_INDICES = ['-.kibana*', '-.opendistro*', '-.plugins*'] as const;

/** The HTTP verbs of the snapshot API. */
export const SNAPSHOT_HTTP_ACTIONS = ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpDelete'] as const;

/**
 * What the jobs' role may do: the domain's `_snapshot` API (IAM matches the request
 * path, `arn:aws:es:region:account:domain/name/path`), and pass the repository role to
 * OpenSearch Service, which registering a repository requires (AWS, "Prerequisites").
 * With `waitForRestore`, also read cluster health, which a restore polls until its
 * shards are back (nothing under `_snapshot` reports a restore's progress), and
 * put the one cluster setting a restore holds, `action.auto_create_index`.
 */
export function snapshotStatements(domainArn: string, repositoryRoleArn: string, options: { readonly waitForRestore: boolean }): PolicyStatement[] {
  return [
    { Sid: 'SnapshotApi', Effect: 'Allow', Action: [...SNAPSHOT_HTTP_ACTIONS], Resource: [`${domainArn}/_snapshot`, `${domainArn}/_snapshot/*`] },
    {
      Sid: 'PassRepositoryRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: repositoryRoleArn,
      Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
    },
    ...(options.waitForRestore
      ? [
          // Whole-cluster and per-index health: which of a snapshot's indices exist, and when they are back.
          { Sid: 'WaitForRestore', Effect: 'Allow' as const, Action: 'es:ESHttpGet', Resource: [`${domainArn}/_cluster/health`, `${domainArn}/_cluster/health/*`] },
          // action.auto_create_index, held off while a restore has not run.
          { Sid: 'HoldIndexCreation', Effect: 'Allow' as const, Action: 'es:ESHttpPut', Resource: `${domainArn}/_cluster/settings` },
        ]
      : []),
  ];
}

/**
 * Shared by both scripts. Shell variables are written `$NAME`, never with braces,
 * and the text goes through terraformLiteral: it travels in Terraform JSON, where
 * `\${` and `%{` start Terraform's own templates.
 */
const PREAMBLE = `#!/bin/sh
set -eu
BASE="https://$OPENSEARCH_HOST"
BODY="$TMPDIR/answer.json"

# The pod's credentials, fetched for every request: they expire within a long run.
credentials() {
  exported=$(aws configure export-credentials --format env) || { echo "no AWS credentials: is the Pod Identity association in place?" >&2; return 1; }
  eval "$exported"
}

# A signed request that must succeed: prints the answer, or prints it to stderr and
# fails on a non-2xx one. It retries transient failures, so idempotent requests only.
api() {
  method=$1
  path=$2
  shift 2
  credentials || return 1
  if ! curl --silent --show-error --fail-with-body --max-time 120 --retry 3 --output "$BODY" \\
    --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\
    -H "x-amz-security-token: $AWS_SESSION_TOKEN" -H 'Content-Type: application/json' \\
    -X "$method" "$BASE/$path" "$@"; then
    echo "$method /$path failed:" >&2
    cat "$BODY" >&2 || true
    echo >&2
    return 1
  fi
  cat "$BODY"
}

# The same request, sent once, for answers the caller judges: prints the HTTP
# status (000 when none came) and leaves the answer in $BODY.
request() {
  method=$1
  path=$2
  shift 2
  credentials || return 1
  : > "$BODY"
  curl --silent --show-error --max-time 120 --output "$BODY" --write-out '%{http_code}' \\
    --aws-sigv4 "aws:amz:$AWS_REGION:es" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\
    -H "x-amz-security-token: $AWS_SESSION_TOKEN" -H 'Content-Type: application/json' \\
    -X "$method" "$BASE/$path" "$@" || true
}

# One string field of a flat JSON object.
field() {
  printf '%s' "$2" | sed -n "s/.*\\"$1\\":\\"\\([^\\"]*\\)\\".*/\\1/p"
}

# A repository's snapshots, one "start-epoch-seconds state name" a line, oldest first.
snapshots() {
  listing=$(api GET "$1/_all?filter_path=snapshots.snapshot,snapshots.state,snapshots.start_time_in_millis") || return 1
  printf '%s\\n' "$listing" | sed 's/},{/}\\n{/g' | sed -n '/"snapshot":"/p' > "$TMPDIR/listing"
  : > "$TMPDIR/parsed"
  while IFS= read -r entry; do
    entry_name=$(field snapshot "$entry")
    entry_state=$(field state "$entry")
    entry_millis=$(printf '%s' "$entry" | sed -n 's/.*"start_time_in_millis":\\([0-9][0-9]*\\).*/\\1/p')
    if [ -z "$entry_name" ] || [ -z "$entry_state" ] || [ -z "$entry_millis" ]; then
      echo "cannot read this snapshot entry: $entry" >&2
      return 1
    fi
    echo "$((entry_millis / 1000)) $entry_state $entry_name" >> "$TMPDIR/parsed"
  done < "$TMPDIR/listing"
  sort -n "$TMPDIR/parsed"
}

REPO="_snapshot/$REPOSITORY"
`;

/**
 * The daily job: register the repository (an idempotent PUT), take `daily-<UTC time>`,
 * fail unless its state is SUCCESS, then delete the daily snapshots older than the
 * retention. Its exit status is what the freshness alert reads.
 */
export const SNAPSHOT_SCRIPT = `${PREAMBLE}NAME="daily-$(date -u +%Y%m%d-%H%M%S)"

echo "Registering repository $REPOSITORY (s3://$BUCKET)"
api PUT "$REPO" --data @/config/repository.json > /dev/null

# OpenSearch Service takes its own snapshot every hour and refuses another while one runs.
for i in $(seq 40); do
  running=$(api GET _snapshot/_status)
  case "$running" in *'"snapshots":[]'*) break ;; esac
  [ "$i" -lt 40 ] || { echo "a snapshot is still running after 20 minutes: $running" >&2; exit 1; }
  echo "Waiting for a running snapshot to finish"
  sleep 30
done

echo "Taking snapshot $NAME"
attempt=1
while :; do
  code=$(request PUT "$REPO/$NAME?wait_for_completion=true" --max-time 3000)
  case "$code" in
    2??) break ;;
    # A long snapshot may outlast the service's gateway (504, AWS: "Taking manual
    # snapshots"); it carries on, and its state below decides.
    504 | 000) echo "No answer in time (HTTP $code); waiting on the snapshot's state"; break ;;
  esac
  if grep -q concurrent_snapshot_execution_exception "$BODY" && [ "$attempt" -lt 10 ]; then
    echo "Another snapshot started first; retrying in a minute"
    attempt=$((attempt + 1))
    sleep 60
    continue
  fi
  echo "Snapshot $NAME was refused (HTTP $code):" >&2
  cat "$BODY" >&2
  echo >&2
  exit 1
done

# Only SUCCESS counts: PARTIAL and FAILED fail the job, so the alert fires.
for i in $(seq 120); do
  info=$(api GET "$REPO/$NAME?filter_path=snapshots.state")
  state=$(field state "$info")
  case "$state" in
    SUCCESS) break ;;
    IN_PROGRESS) ;;
    *)
      echo "Snapshot $NAME ended $state:" >&2
      api GET "$REPO/$NAME" >&2
      echo >&2
      exit 1
      ;;
  esac
  [ "$i" -lt 120 ] || { echo "Snapshot $NAME is still in progress after an hour" >&2; exit 1; }
  sleep 30
done
echo "Snapshot $NAME: SUCCESS"

# Retention: daily snapshots that started more than RETENTION_DAYS ago, never this one.
cutoff=$(($(date -u +%s) - RETENTION_DAYS * 86400))
snapshots "$REPO" > "$TMPDIR/snapshots"
while read -r started state name; do
  case "$name" in daily-*) ;; *) continue ;; esac
  [ "$name" != "$NAME" ] || continue
  [ "$started" -lt "$cutoff" ] || continue
  echo "Deleting $name ($state, older than $RETENTION_DAYS days)"
  code=$(request DELETE "$REPO/$name" --max-time 600)
  case "$code" in
    2?? | 404) ;;
    504 | 000) echo "  no answer in time (HTTP $code); the domain carries on, and the next run checks again" ;;
    *)
      echo "Deleting $name failed (HTTP $code):" >&2
      cat "$BODY" >&2
      echo >&2
      exit 1
      ;;
  esac
done < "$TMPDIR/snapshots"
echo "Done"
`;

/**
 * What the hold and the restore share: register the replica read-only, find the
 * newest SUCCESS snapshot and its indices (system ones left out, as the restore
 * leaves them out), and which of those the domain already has. An index the
 * snapshot holds exists only once a restore was accepted, or once something
 * wrote to it by auto-creating it: the hold prevents the second.
 */
const RESTORE_COMMON = `${PREAMBLE}
echo "Registering s3://$BUCKET read-only as repository $REPOSITORY"
api PUT "$REPO" --data @/config/restore-repository.json > /dev/null

snapshots "$REPO" > "$TMPDIR/snapshots"
latest=$(sed -n 's/^[0-9]* SUCCESS //p' "$TMPDIR/snapshots" | tail -n 1)

# The snapshot's indices, one a line, without the system ones (they start with a dot).
snapshot_indices() {
  api GET "$REPO/$1?filter_path=snapshots.indices" | sed -n 's/.*"indices":\\[\\([^]]*\\)\\].*/\\1/p' | tr ',' '\\n' | sed 's/"//g' | sed '/^\\./d;/^$/d'
}

# Those of the listed indices (comma-separated) the domain does not have: health at the
# indices level names only the ones that exist, whatever their status.
missing_indices() {
  request GET "_cluster/health/$1?level=indices&filter_path=indices.*.status&timeout=1s" > /dev/null
  printf '%s\\n' "$1" | tr ',' '\\n' | while IFS= read -r index; do
    grep -q "\\"$index\\":{" "$BODY" || echo "$index"
  done
}

# Auto-creation off while the restore has not run, back to OpenSearch's default after.
# OpenSearch Service takes the flat form of a setting only ("Supported operations").
hold_auto_create() {
  echo "Holding back index auto-creation until the restore is done"
  api PUT _cluster/settings --data @/config/hold-auto-create.json > /dev/null
}
release_auto_create() {
  echo "Letting writes create indices again"
  api PUT _cluster/settings --data @/config/release-auto-create.json > /dev/null
}
`;

/**
 * Run by the apply before the app's release, and waited for: while the domain
 * lacks the snapshot's indices, turn `action.auto_create_index` off, so the
 * app's first writes cannot create an index the restore would then refuse
 * (OpenSearch restores only into an absent or closed index). Once restored,
 * it leaves the setting alone. Safe to run again.
 */
export const RESTORE_HOLD_SCRIPT = `${RESTORE_COMMON}
if [ -z "$latest" ]; then
  echo "Repository $REPOSITORY holds no successful snapshot: nothing to restore, nothing held back"
  exit 0
fi
snapshot_indices "$latest" > "$TMPDIR/indices"
list=$(paste -sd, "$TMPDIR/indices")
[ -n "$list" ] || { echo "Snapshot $latest holds no data index: nothing held back"; exit 0; }
missing=$(missing_indices "$list")
if [ -z "$missing" ]; then
  echo "The domain already has every index of $latest: restored, nothing held back"
  exit 0
fi
if [ "$missing" != "$(cat "$TMPDIR/indices")" ]; then
  echo "Some indices of $latest exist and some do not; missing: $missing. Something wrote before the hold: docs/RUNBOOK.md, Search snapshot restore" >&2
  exit 1
fi
hold_auto_create
`;

/**
 * The restore, started by the standby's apply (and by hand from the suspended
 * CronJob): restore the newest SUCCESS snapshot from the read-only replica
 * without the system indices or the cluster state, unless the domain already
 * has its indices (a restore accepted before: then only wait), wait until every
 * one of them is at least yellow, let writes create indices again, and say what
 * it restored. Each step can run again, so the Job is retried.
 */
export const RESTORE_SCRIPT = `${RESTORE_COMMON}
if [ -z "$latest" ]; then
  echo "Repository $REPOSITORY holds no successful snapshot:" >&2
  cat "$TMPDIR/snapshots" >&2
  exit 1
fi
snapshot_indices "$latest" > "$TMPDIR/indices"
list=$(paste -sd, "$TMPDIR/indices")
missing=$(missing_indices "$list")
if [ -n "$missing" ] && [ "$missing" != "$(cat "$TMPDIR/indices")" ]; then
  echo "Some indices of $latest exist and some do not; missing: $missing. Delete the ones a write created, then run this again (docs/RUNBOOK.md, Search snapshot restore)" >&2
  exit 1
fi
if [ -n "$missing" ]; then
  hold_auto_create
  echo "Restoring $latest"
  # Sent once, with no query string: OpenSearch Service ignores URL parameters of signed POSTs.
  code=$(request POST "$REPO/$latest/_restore" --data @/config/restore.json)
  case "$code" in
    2??) cat "$BODY"; echo ;;
    *)
      echo "The restore of $latest was refused (HTTP $code):" >&2
      cat "$BODY" >&2
      echo >&2
      exit 1
      ;;
  esac
else
  echo "The domain already has every index of $latest: waiting for them, restoring nothing"
fi

# Restored indices are red until every primary is back from S3; yellow means they all are.
# The job's deadline bounds the wait.
while :; do
  code=$(request GET "_cluster/health/$list?wait_for_status=yellow&timeout=50s" --max-time 70)
  case "$code" in
    200) break ;;
    408) echo "Still recovering: $(cat "$BODY")" ;;
    # The restore carries on whatever the gateway does; ask again.
    5?? | 000) echo "No answer (HTTP $code); asking again"; sleep 10 ;;
    *)
      echo "Cluster health failed (HTTP $code):" >&2
      cat "$BODY" >&2
      echo >&2
      exit 1
      ;;
  esac
done
release_auto_create

echo "Restored $latest. The indices it holds (system indices were left out: $EXCLUDED):"
api GET "$REPO/$latest?filter_path=snapshots.snapshot,snapshots.start_time,snapshots.indices"
echo
echo "Cluster health:"
api GET "_cluster/health?filter_path=status,active_primary_shards,active_shards,unassigned_shards"
echo
`;

/** Minute, hour, day of month, month, day of week: each field's bounds. */
const CRON_FIELD_BOUNDS: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** Whether a schedule is five numeric cron fields (`*`, lists, ranges, steps) within their bounds. */
export function isCronSchedule(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== CRON_FIELD_BOUNDS.length) return false;
  return fields.every((text, i) => {
    const [min, max] = CRON_FIELD_BOUNDS[i]!;
    const inBounds = (n: string) => Number(n) >= min && Number(n) <= max;
    return text.split(',').every((part) => {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return false;
      const [, , from, to, step] = m;
      if (from !== undefined && !inBounds(from)) return false;
      if (to !== undefined && (!inBounds(to) || Number(to) < Number(from))) return false;
      return step === undefined || Number(step) >= 1;
    });
  });
}

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
