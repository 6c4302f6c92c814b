/**
 * The shell the snapshot and restore jobs run (curl with SigV4 against the
 * domain's `_snapshot` API), as text: the construct mounts it from a
 * ConfigMap, and its test runs it against a fake domain.
 */

/**
 * What a restore leaves out: the Dashboards and fine-grained access control indices,
 * whose special permissions make a restore of everything fail (AWS, "Restoring
 * snapshots", which restores `-.kibana*,-.opendistro*`), and the plugins' `.plugins*`
 * system indices, which the standby domain may already hold: an open index of the
 * same name fails the whole restore.
 */
export const RESTORE_EXCLUDED_INDICES = ['-.kibana*', '-.opendistro*', '-.plugins*'] as const;

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
