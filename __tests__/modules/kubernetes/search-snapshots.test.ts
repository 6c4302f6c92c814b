import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allAlertRules, buildAlertRules } from '../../../content/monitoring/alerts/index.ts';
import { InvalidPropsError } from '../../../modules/invalid-props-error.ts';
import { terraformLiteral } from '../../../modules/internal/terraform-literal.ts';
import { isCronSchedule } from '../../../lib/cron.ts';
import { RESTORE_HOLD_SCRIPT, RESTORE_SCRIPT, SNAPSHOT_SCRIPT } from '../../../modules/kubernetes/search-snapshots/scripts.ts';
import { SEARCH_SNAPSHOT_CRONJOB, SearchSnapshots, type SearchSnapshotsProps } from '../../../modules/kubernetes/search-snapshots/search-snapshots.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct, type TfJson, scratchDir } from '../../helpers/synth.ts';

const DOMAIN = 'arn:aws:es:ap-south-1:123456789012:domain/hexabid-test';
const REPOSITORY_ROLE = 'arn:aws:iam::123456789012:role/hexabid-test-search-snapshots-repository';

const PROPS: SearchSnapshotsProps = {
  clusterName: 'hexabid-test',
  namespace: 'hexabid-system',
  domainArn: DOMAIN,
  domainEndpoint: 'vpc-hexabid-test.ap-south-1.es.amazonaws.com',
  region: 'ap-south-1',
  bucketName: 'hexabid-test-search-snapshots',
  repositoryRoleArn: REPOSITORY_ROLE,
  image: 'public.ecr.aws/aws-cli/aws-cli:2.36.7',
};
const RESTORE = { bucketName: 'hexabid-test-search-snapshots-replica', region: 'ap-south-2' };

/** The construct and its synthesized stack. */
const build = (props: Partial<SearchSnapshotsProps> = {}): { snapshots: SearchSnapshots; json: TfJson } => {
  let snapshots: SearchSnapshots | undefined;
  const json = synthConstruct((scope) => {
    snapshots = new SearchSnapshots(scope, 'Snapshots', { ...PROPS, ...props });
  });
  return { snapshots: snapshots!, json };
};
const synth = (props: Partial<SearchSnapshotsProps> = {}): TfJson => build(props).json;
const cronJob = (json: TfJson, name: string) => resourcesOf(json, 'kubernetes_cron_job_v1').find((c) => c.metadata.name === name)!;
const policy = (json: TfJson) => parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;

describe('SearchSnapshots', () => {
  const json = synth();
  const daily = cronJob(json, 'search-snapshot');
  const pod = daily.spec.job_template.spec.template.spec;
  const container = pod.container[0];
  const files = onlyResource(json, 'kubernetes_config_map_v1').data;

  it('runs as a Pod Identity role that may call only the snapshot API and pass the repository role to OpenSearch Service', () => {
    expect(onlyResource(json, 'aws_iam_role').name).toBe('hexabid-test-search-snapshot-job');
    expect(policy(json)).toEqual([
      {
        Sid: 'SnapshotApi',
        Effect: 'Allow',
        Action: ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpDelete'],
        Resource: [`${DOMAIN}/_snapshot`, `${DOMAIN}/_snapshot/*`],
      },
      {
        Sid: 'PassRepositoryRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: REPOSITORY_ROLE,
        Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
      },
    ]);
    const association = onlyResource(json, 'aws_eks_pod_identity_association');
    expect(association).toMatchObject({ cluster_name: 'hexabid-test', namespace: 'hexabid-system', service_account: 'search-snapshots' });
    expect(onlyResource(json, 'kubernetes_service_account_v1')).toMatchObject({ metadata: { name: 'search-snapshots', namespace: 'hexabid-system' }, automount_service_account_token: false });
  });

  it('exposes its role, service account, CronJob and repository', () => {
    const { snapshots } = build();
    expect(snapshots.roleArn).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(snapshots.serviceAccountName).toBe('search-snapshots');
    expect(snapshots.cronJobName).toBe('search-snapshot');
    expect(snapshots.repositoryName).toBe('hexabid-snapshots');
    expect(snapshots.restoreCronJobName).toBeUndefined();
  });

  it('takes one snapshot a day after the database backup window, never two at once', () => {
    expect(resourcesOf(json, 'kubernetes_cron_job_v1')).toHaveLength(1);
    expect(daily.metadata.namespace).toBe('hexabid-system');
    expect(daily.spec).toMatchObject({
      schedule: '30 4 * * *',
      timezone: 'Etc/UTC',
      suspend: false,
      concurrency_policy: 'Forbid',
      starting_deadline_seconds: 3600,
      successful_jobs_history_limit: 3,
      failed_jobs_history_limit: 3,
    });
    expect(daily.spec.job_template.spec).toMatchObject({ backoff_limit: 2, active_deadline_seconds: 10800 });
    expect(pod).toMatchObject({ service_account_name: 'search-snapshots', restart_policy: 'Never' });
    expect(container.image).toBe(PROPS.image);
    expect(container.command).toEqual(['/bin/sh', '/config/snapshot.sh']);
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toEqual({
      OPENSEARCH_HOST: PROPS.domainEndpoint,
      AWS_REGION: 'ap-south-1',
      REPOSITORY: 'hexabid-snapshots',
      BUCKET: PROPS.bucketName,
      RETENTION_DAYS: '14',
      HOME: '/tmp',
      TMPDIR: '/tmp',
    });
  });

  it('meets the restricted Pod Security Standard, with no service account token', () => {
    expect(pod.security_context).toEqual({ run_as_non_root: true, run_as_user: '65532', run_as_group: '65532', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(container.security_context).toEqual({
      run_as_non_root: true,
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automount_service_account_token).toBe(false);
    for (const field of ['host_network', 'host_pid', 'host_ipc']) expect(pod[field]).toBeUndefined();
    expect(pod.volume.map((v: Record<string, unknown>) => Object.keys(v).sort().join(','))).toEqual(['config_map,name', 'empty_dir,name']);
    expect(container.resources.limits.memory).toBeDefined();
  });

  it("registers the repository with the bucket, its region and the repository role, leaving encryption to the bucket's KMS key", () => {
    expect(files['repository.json']).toBe(
      `\${jsonencode({"type" = "s3", "settings" = {"bucket" = "${PROPS.bucketName}", "region" = "ap-south-1", "role_arn" = "${REPOSITORY_ROLE}"}})}`,
    );
    expect(files['repository.json']).not.toContain('server_side_encryption');
    expect(SNAPSHOT_SCRIPT).toContain('api PUT "$REPO" --data @/config/repository.json');
  });

  it('ships a script that fails loudly, signs with the pod\'s credentials, and reaches Terraform escaped', () => {
    expect(files['snapshot.sh']).toBe(terraformLiteral(SNAPSHOT_SCRIPT));
    expect(files['snapshot.sh']).toContain("--write-out '%%{http_code}'");
    for (const script of [SNAPSHOT_SCRIPT, RESTORE_SCRIPT]) {
      expect(script.split('\n').slice(0, 2)).toEqual(['#!/bin/sh', 'set -eu']);
      expect(script).toContain('--fail-with-body');
      expect(script).toContain('--aws-sigv4 "aws:amz:$AWS_REGION:es"');
      expect(script).toContain('aws configure export-credentials --format env');
      expect(script).not.toContain('${');
      expect(terraformLiteral(script)).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/);
    }
  });

  it('takes daily-<UTC time>, accepts only SUCCESS, and then prunes old daily snapshots, never the new one', () => {
    expect(SNAPSHOT_SCRIPT).toContain('NAME="daily-$(date -u +%Y%m%d-%H%M%S)"');
    expect(SNAPSHOT_SCRIPT).toContain('request PUT "$REPO/$NAME?wait_for_completion=true"');
    expect(SNAPSHOT_SCRIPT).toMatch(/SUCCESS\) break ;;\n\s+IN_PROGRESS\) ;;\n\s+\*\)\n[^]*?exit 1/);
    expect(SNAPSHOT_SCRIPT).toContain('cutoff=$(($(date -u +%s) - RETENTION_DAYS * 86400))');
    expect(SNAPSHOT_SCRIPT).toContain('case "$name" in daily-*) ;; *) continue ;; esac');
    expect(SNAPSHOT_SCRIPT).toContain('[ "$name" != "$NAME" ] || continue');
    // Pruning comes after the state check.
    expect(SNAPSHOT_SCRIPT.indexOf('request DELETE')).toBeGreaterThan(SNAPSHOT_SCRIPT.indexOf('Snapshot $NAME: SUCCESS'));
  });

  it('takes the schedule, the retention and the repository name from its props', () => {
    const { snapshots, json: custom } = build({ schedule: '15 5 * * 1-5', retentionDays: 30, repositoryName: 'search-daily' });
    const job = cronJob(custom, 'search-snapshot');
    expect(job.spec.schedule).toBe('15 5 * * 1-5');
    const env = Object.fromEntries(job.spec.job_template.spec.template.spec.container[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ REPOSITORY: 'search-daily', RETENTION_DAYS: '30' });
    expect(snapshots.repositoryName).toBe('search-daily');
  });

  it('keeps the daily CronJob but suspended on a standby domain', () => {
    expect(cronJob(synth({ suspendSnapshots: true }), 'search-snapshot').spec.suspend).toBe(true);
  });

  it('is the CronJob the staleness alert watches', () => {
    const rule = allAlertRules(buildAlertRules()).find((r) => r.alert === 'HexabidSearchSnapshotStale')!;
    expect(SEARCH_SNAPSHOT_CRONJOB).toBe('search-snapshot');
    expect(rule.expr).toContain(`kube_cronjob_status_last_successful_time{cronjob="${SEARCH_SNAPSHOT_CRONJOB}"}`);
    expect(rule.labels.severity).toBe('warning');
    expect(rule.annotations.runbook_url).toMatch(/#backup-and-restore$/);
  });

  describe('with restore', () => {
    const { snapshots, json: withRestore } = build({ restore: RESTORE, suspendSnapshots: true });
    const restore = cronJob(withRestore, 'search-restore');
    const restorePod = restore.spec.job_template.spec.template.spec;
    const data = onlyResource(withRestore, 'kubernetes_config_map_v1').data;

    it('restores as soon as an apply makes the Job, retried safely, and keeps a suspended CronJob for runs by hand', () => {
      expect(snapshots.restoreCronJobName).toBe('search-restore');
      expect(restore.spec).toMatchObject({ suspend: true, concurrency_policy: 'Forbid' });
      const jobs = Object.fromEntries(resourcesOf(withRestore, 'kubernetes_job_v1').map((j) => [j.metadata.name, j]));
      expect(Object.keys(jobs).sort()).toEqual(['search-restore', 'search-restore-hold']);
      // The apply does not wait for the restore: the app serves meanwhile, with search coming back.
      expect(jobs['search-restore']).toMatchObject({ wait_for_completion: false, spec: { backoff_limit: 2, active_deadline_seconds: 14400 } });
      expect(restore.spec.job_template.spec).toMatchObject({ backoff_limit: 2, active_deadline_seconds: 14400 });
      for (const spec of [restorePod, jobs['search-restore'].spec.template.spec]) {
        expect(spec.container[0].command).toEqual(['/bin/sh', '/config/restore.sh']);
        expect(spec.security_context).toEqual(pod.security_context);
        expect(spec.container[0].security_context).toEqual(container.security_context);
        const env = Object.fromEntries(spec.container[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
        expect(env).toMatchObject({ REPOSITORY: 'hexabid-snapshots-replica', BUCKET: RESTORE.bucketName });
      }
    });

    it('holds back index auto-creation in a Job the apply waits for, which the app must wait for too', () => {
      const hold = resourcesOf(withRestore, 'kubernetes_job_v1').find((j) => j.metadata.name === 'search-restore-hold')!;
      expect(hold).toMatchObject({ wait_for_completion: true, spec: { backoff_limit: 4 } });
      expect(hold.spec.template.spec.container[0].command).toEqual(['/bin/sh', '/config/restore-hold.sh']);
      expect(snapshots.restoreHold).toBeDefined();
      // AWS accepts only the flat form of a cluster setting ("Supported operations", notable API differences).
      expect(JSON.parse(data['hold-auto-create.json'])).toEqual({ persistent: { 'action.auto_create_index': 'false' } });
      expect(JSON.parse(data['release-auto-create.json'])).toEqual({ persistent: { 'action.auto_create_index': null } });
      expect(data['restore-hold.sh']).toBe(terraformLiteral(RESTORE_HOLD_SCRIPT));
    });

    it('registers the replica bucket read-only, with the repository role', () => {
      expect(data['restore-repository.json']).toBe(
        `\${jsonencode({"type" = "s3", "settings" = {"bucket" = "${RESTORE.bucketName}", "region" = "ap-south-2", "role_arn" = "${REPOSITORY_ROLE}", "readonly" = true}})}`,
      );
      expect(data['restore.sh']).toBe(terraformLiteral(RESTORE_SCRIPT));
    });

    it('restores the newest SUCCESS snapshot without the system indices or the cluster state, and waits for it', () => {
      expect(JSON.parse(data['restore.json'])).toEqual({ indices: '-.kibana*,-.opendistro*,-.plugins*', include_global_state: false });
      expect(RESTORE_SCRIPT).toContain('request POST "$REPO/$latest/_restore" --data @/config/restore.json');
    });

    it('may also read cluster health, which the wait needs, and change the auto-creation setting', () => {
      expect(policy(withRestore).slice(2)).toEqual([
        { Sid: 'WaitForRestore', Effect: 'Allow', Action: 'es:ESHttpGet', Resource: [`${DOMAIN}/_cluster/health`, `${DOMAIN}/_cluster/health/*`] },
        { Sid: 'HoldIndexCreation', Effect: 'Allow', Action: 'es:ESHttpPut', Resource: `${DOMAIN}/_cluster/settings` },
      ]);
    });
  });

  it('refuses unusable props, naming the field, the value and what is allowed', () => {
    const build = (props: Partial<SearchSnapshotsProps>) => () => synth(props);
    expect(build({ retentionDays: 0 })).toThrow(InvalidPropsError);
    expect(build({ retentionDays: 0 })).toThrow('SearchSnapshots Snapshots: retentionDays must be a whole number of days from 1 to 365 (got 0)');
    expect(build({ retentionDays: 366 })).toThrow('(got 366)');
    expect(build({ retentionDays: 1.5 })).toThrow('(got 1.5)');
    expect(build({ schedule: '@daily' })).toThrow(`schedule must be a five-field cron expression in UTC, such as '30 4 * * *' (got "@daily")`);
    expect(build({ schedule: '30 24 * * *' })).toThrow(InvalidPropsError);
    expect(build({ repositoryName: 'Daily Snapshots' })).toThrow(`repositoryName must be 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit and not with "cs-" (got "Daily Snapshots")`);
    expect(build({ repositoryName: 'cs-automated' })).toThrow(InvalidPropsError);
    expect(build({ repositoryName: '_status' })).toThrow(InvalidPropsError);
    expect(build({ restore: { ...RESTORE, repositoryName: 'replica#1' } })).toThrow('restore.repositoryName must be');
    expect(build({ restore: { ...RESTORE, repositoryName: 'hexabid-snapshots' } })).toThrow('restore.repositoryName must differ from repositoryName');
  });

  it('knows a five-field cron schedule', () => {
    for (const ok of ['30 4 * * *', '*/15 0-6 1,15 * 0', '0 4 * 1-12/2 7']) expect(isCronSchedule(ok), ok).toBe(true);
    for (const bad of ['', '30 4 * *', '30 4 * * * *', '60 4 * * *', '30 4 0 * *', '5-1 * * * *', '*/0 * * * *', 'a b c d e']) expect(isCronSchedule(bad), bad).toBe(false);
  });
});

/** One answer of the fake domain. */
interface Answer {
  readonly code: number;
  readonly body?: string;
}
/** `METHOD /path` glob → its answers in turn, the last one repeated. */
type Domain = Readonly<Record<string, readonly Answer[]>>;

const workDirs: string[] = [];
afterAll(() => workDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * Runs a script against a fake domain: `curl`, `aws` and `sleep` are stubs on
 * PATH, and every request is logged. Returns the exit status and the requests.
 */
function run(script: string, domain: Domain, env: Readonly<Record<string, string>>): { status: number | null; calls: string[]; output: string } {
  const dir = scratchDir('search-snapshots');
  workDirs.push(dir);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const cases = Object.entries(domain).map(([pattern, answers], i) => {
    answers.forEach((a, j) => {
      writeFileSync(join(dir, `code-${i}-${j}`), String(a.code));
      writeFileSync(join(dir, `body-${i}-${j}`), a.body ?? '{}');
    });
    return `  ${pattern.replace(/[^A-Za-z0-9*_/.-]/g, (c) => `\\${c}`)}) rule=${i}; count=${answers.length} ;;`;
  });
  const stubs: Record<string, string> = {
    aws: 'echo "export AWS_ACCESS_KEY_ID=AKIATEST"; echo "export AWS_SECRET_ACCESS_KEY=secret"; echo "export AWS_SESSION_TOKEN=token"',
    sleep: 'exit 0',
    curl: `out=/dev/stdout; wo=; fail=; method=GET; url=; data=
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out=$2; shift 2 ;;
    --write-out) wo=$2; shift 2 ;;
    --fail-with-body) fail=1; shift ;;
    -X) method=$2; shift 2 ;;
    --data) case "$2" in @*) data=" $2" ;; esac; shift 2 ;;
    --max-time | --retry | --aws-sigv4 | --user | -H) shift 2 ;;
    https://*) url=$1; shift ;;
    *) shift ;;
  esac
done
request="$method $(printf '%s' "$url" | sed 's|^https://search.test||')"
echo "$request$data" >> "$DIR/calls"
case "$request" in
${cases.join('\n')}
  *) echo "unexpected $request" >&2; exit 2 ;;
esac
n=$(cat "$DIR/seen-$rule" 2>/dev/null || echo 0)
echo $((n + 1)) > "$DIR/seen-$rule"
[ "$n" -lt "$count" ] || n=$((count - 1))
code=$(cat "$DIR/code-$rule-$n")
if [ "$code" = 0 ]; then [ -z "$wo" ] || printf 000; echo "curl: (28) Operation timed out" >&2; exit 28; fi
cat "$DIR/body-$rule-$n" > "$out"
[ -z "$wo" ] || printf '%s' "$code"
if [ -n "$fail" ] && [ "$code" -ge 400 ]; then echo "curl: (22) The requested URL returned error: $code" >&2; exit 22; fi`,
  };
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'script.sh'), script);
  const result = spawnSync('sh', [join(dir, 'script.sh')], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, DIR: dir, TMPDIR: dir, HOME: dir, OPENSEARCH_HOST: 'search.test', AWS_REGION: 'ap-south-1', ...env },
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
  } catch {
    // No request was made.
  }
  return { status: result.status, calls, output: `${result.stdout}${result.stderr}` };
}

const ok = (body: unknown): Answer => ({ code: 200, body: JSON.stringify(body) });
const DAY = 86_400_000;

describe('the snapshot script, against a fake domain', () => {
  const env = { REPOSITORY: 'hexabid-snapshots', BUCKET: 'bucket', RETENTION_DAYS: '14' };
  const now = Date.now();
  const listing = ok({
    snapshots: [
      { snapshot: 'manual-before-upgrade', state: 'SUCCESS', start_time_in_millis: now - 40 * DAY },
      { snapshot: 'daily-20260101-043000', state: 'PARTIAL', start_time_in_millis: now - 20 * DAY },
      { snapshot: 'daily-20260106-043000', state: 'SUCCESS', start_time_in_millis: now - 15 * DAY },
      { snapshot: 'daily-20260108-043000', state: 'SUCCESS', start_time_in_millis: now - 13 * DAY },
    ],
  });
  // Overrides replace answers by pattern; the first pattern that matches answers.
  const domain = (overrides: Domain = {}): Domain => ({
    'PUT /_snapshot/hexabid-snapshots': [ok({ acknowledged: true })],
    'GET /_snapshot/_status': [ok({ snapshots: [{ snapshot: 'automated', state: 'STARTED' }] }), ok({ snapshots: [] })],
    'PUT /_snapshot/hexabid-snapshots/daily-*?wait_for_completion=true': [ok({ snapshot: { state: 'SUCCESS' } })],
    'GET /_snapshot/hexabid-snapshots/daily-*?filter_path=snapshots.state': [ok({ snapshots: [{ state: 'SUCCESS' }] })],
    'GET /_snapshot/hexabid-snapshots/_all?*': [listing],
    'DELETE /_snapshot/hexabid-snapshots/daily-*': [ok({ acknowledged: true })],
    ...overrides,
  });

  it('registers, waits out a running snapshot, takes one, checks it and prunes the daily ones past retention', () => {
    const { status, calls, output } = run(SNAPSHOT_SCRIPT, domain(), env);
    expect(status, output).toBe(0);
    expect(calls.map((c) => c.replace(/daily-\d{8}-\d{6}(?=\?)/, 'daily-NOW'))).toEqual([
      'PUT /_snapshot/hexabid-snapshots @/config/repository.json',
      'GET /_snapshot/_status',
      'GET /_snapshot/_status',
      'PUT /_snapshot/hexabid-snapshots/daily-NOW?wait_for_completion=true',
      'GET /_snapshot/hexabid-snapshots/daily-NOW?filter_path=snapshots.state',
      'GET /_snapshot/hexabid-snapshots/_all?filter_path=snapshots.snapshot,snapshots.state,snapshots.start_time_in_millis',
      'DELETE /_snapshot/hexabid-snapshots/daily-20260101-043000',
      'DELETE /_snapshot/hexabid-snapshots/daily-20260106-043000',
    ]);
  });

  it('fails, and deletes nothing, when the snapshot ends PARTIAL', () => {
    const { status, calls, output } = run(
      SNAPSHOT_SCRIPT,
      domain({
        'GET /_snapshot/hexabid-snapshots/daily-*?filter_path=snapshots.state': [ok({ snapshots: [{ state: 'PARTIAL' }] })],
        'GET /_snapshot/hexabid-snapshots/daily-*': [ok({ snapshots: [{ state: 'PARTIAL', failures: [{ reason: 'shard failed' }] }] })],
      }),
      env,
    );
    expect(status).not.toBe(0);
    expect(output).toMatch(/ended PARTIAL/);
    expect(calls.filter((c) => c.startsWith('DELETE'))).toEqual([]);
  });

  it('waits on the snapshot\'s state when the gateway gives up, and succeeds when it does', () => {
    const { status, output } = run(
      SNAPSHOT_SCRIPT,
      domain({
        'PUT /_snapshot/hexabid-snapshots/daily-*?wait_for_completion=true': [{ code: 504, body: 'Gateway Time-out' }],
        'GET /_snapshot/hexabid-snapshots/daily-*?filter_path=snapshots.state': [ok({ snapshots: [{ state: 'IN_PROGRESS' }] }), ok({ snapshots: [{ state: 'SUCCESS' }] })],
      }),
      env,
    );
    expect(status, output).toBe(0);
    expect(output).toMatch(/HTTP 504/);
  });

  it('fails when no snapshot was taken at all', () => {
    const { status, output } = run(
      SNAPSHOT_SCRIPT,
      domain({
        'PUT /_snapshot/hexabid-snapshots/daily-*?wait_for_completion=true': [{ code: 0 }],
        'GET /_snapshot/hexabid-snapshots/daily-*?filter_path=snapshots.state': [{ code: 404, body: '{"error":{"type":"snapshot_missing_exception"}}' }],
      }),
      env,
    );
    expect(status).not.toBe(0);
    expect(output).toMatch(/snapshot_missing_exception/);
  });

  it('fails before any snapshot when the repository cannot be registered', () => {
    const { status, calls, output } = run(SNAPSHOT_SCRIPT, domain({ 'PUT /_snapshot/hexabid-snapshots': [{ code: 403, body: '{"Message":"not authorized to perform: iam:PassRole"}' }] }), env);
    expect(status).not.toBe(0);
    expect(output).toMatch(/iam:PassRole/);
    expect(calls).toEqual(['PUT /_snapshot/hexabid-snapshots @/config/repository.json']);
  });
});

describe('the restore, against a fake domain', () => {
  const env = { REPOSITORY: 'hexabid-snapshots-replica', BUCKET: 'replica', EXCLUDED: '-.kibana*' };
  const now = Date.now();
  const health = 'GET /_cluster/health/tenders,bids?level=indices&filter_path=indices.*.status&timeout=1s';
  const none = { code: 408, body: '{"indices":{}}' };
  const both = ok({ indices: { tenders: { status: 'red' }, bids: { status: 'red' } } });
  const domain = (overrides: Domain = {}): Domain => ({
    'PUT /_snapshot/hexabid-snapshots-replica': [ok({ acknowledged: true })],
    'GET /_snapshot/hexabid-snapshots-replica/_all?*': [
      ok({
        snapshots: [
          { snapshot: 'daily-b', state: 'SUCCESS', start_time_in_millis: now - DAY },
          { snapshot: 'daily-a', state: 'SUCCESS', start_time_in_millis: now - 2 * DAY },
          { snapshot: 'daily-c', state: 'PARTIAL', start_time_in_millis: now },
        ],
      }),
    ],
    'GET /_snapshot/hexabid-snapshots-replica/daily-b?filter_path=snapshots.indices': [ok({ snapshots: [{ indices: ['tenders', '.kibana_1', 'bids'] }] })],
    [health]: [none],
    'PUT /_cluster/settings': [ok({ acknowledged: true })],
    'POST /_snapshot/hexabid-snapshots-replica/daily-b/_restore': [ok({ accepted: true })],
    'GET /_cluster/health/tenders,bids?wait_for_status=yellow&timeout=50s': [{ code: 408, body: '{"status":"red","timed_out":true}' }, ok({ status: 'yellow', timed_out: false })],
    'GET /_snapshot/hexabid-snapshots-replica/daily-b?filter_path=snapshots.snapshot,*': [ok({ snapshots: [{ snapshot: 'daily-b', indices: ['tenders', 'bids'] }] })],
    'GET /_cluster/health?filter_path=*': [ok({ status: 'yellow' })],
    ...overrides,
  });
  const register = 'PUT /_snapshot/hexabid-snapshots-replica @/config/restore-repository.json';
  const listing = 'GET /_snapshot/hexabid-snapshots-replica/_all?filter_path=snapshots.snapshot,snapshots.state,snapshots.start_time_in_millis';
  const indices = 'GET /_snapshot/hexabid-snapshots-replica/daily-b?filter_path=snapshots.indices';
  const hold = 'PUT /_cluster/settings @/config/hold-auto-create.json';
  const release = 'PUT /_cluster/settings @/config/release-auto-create.json';

  it('holds back index auto-creation before the app starts, so no write makes an index the restore then refuses', () => {
    const { status, calls, output } = run(RESTORE_HOLD_SCRIPT, domain(), env);
    expect(status, output).toBe(0);
    expect(calls).toEqual([register, listing, indices, health, hold]);
  });

  it('holds nothing back once the snapshot is restored, or when there is nothing to restore', () => {
    const restored = run(RESTORE_HOLD_SCRIPT, domain({ [health]: [both] }), env);
    expect(restored.status, restored.output).toBe(0);
    expect(restored.calls).not.toContain(hold);
    const empty = run(RESTORE_HOLD_SCRIPT, domain({ 'GET /_snapshot/hexabid-snapshots-replica/_all?*': [ok({})] }), env);
    expect(empty.status, empty.output).toBe(0);
    expect(empty.output).toContain('holds no successful snapshot');
    expect(empty.calls).not.toContain(hold);
  });

  it('restores the newest SUCCESS snapshot, waits until its indices are yellow, then lets the app create indices again', () => {
    const { status, calls, output } = run(RESTORE_SCRIPT, domain(), env);
    expect(status, output).toBe(0);
    expect(calls).toEqual([
      register,
      listing,
      indices,
      health,
      hold,
      'POST /_snapshot/hexabid-snapshots-replica/daily-b/_restore @/config/restore.json',
      'GET /_cluster/health/tenders,bids?wait_for_status=yellow&timeout=50s',
      'GET /_cluster/health/tenders,bids?wait_for_status=yellow&timeout=50s',
      release,
      'GET /_snapshot/hexabid-snapshots-replica/daily-b?filter_path=snapshots.snapshot,snapshots.start_time,snapshots.indices',
      'GET /_cluster/health?filter_path=status,active_primary_shards,active_shards,unassigned_shards',
    ]);
    expect(output).toContain('Restored daily-b');
  });

  it('is safe to run again: a restore already accepted is waited for, not sent twice', () => {
    const { status, calls, output } = run(RESTORE_SCRIPT, domain({ [health]: [both] }), env);
    expect(status, output).toBe(0);
    expect(calls.filter((c) => c.startsWith('POST'))).toEqual([]);
    expect(calls).toContain(release);
  });

  it('fails, restoring nothing and holding nothing back, when some indices exist and others do not', () => {
    const { status, calls, output } = run(RESTORE_SCRIPT, domain({ [health]: [ok({ indices: { tenders: { status: 'green' } } })] }), env);
    expect(status).not.toBe(0);
    expect(output).toContain('bids');
    expect(calls.filter((c) => c.startsWith('POST') || c === hold)).toEqual([]);
  });

  it('fails, restoring nothing, when no snapshot succeeded', () => {
    const { status, calls } = run(RESTORE_SCRIPT, domain({ 'GET /_snapshot/hexabid-snapshots-replica/_all?*': [ok({})] }), env);
    expect(status).not.toBe(0);
    expect(calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('fails when the domain refuses the restore, and leaves auto-creation held', () => {
    const refused = { code: 500, body: '{"error":{"type":"snapshot_restore_exception","reason":"an open index with same name already exists"}}' };
    const { status, calls, output } = run(RESTORE_SCRIPT, domain({ 'POST /_snapshot/hexabid-snapshots-replica/daily-b/_restore': [refused] }), env);
    expect(status).not.toBe(0);
    expect(output).toMatch(/an open index with same name already exists/);
    expect(calls).not.toContain(release);
  });
});
