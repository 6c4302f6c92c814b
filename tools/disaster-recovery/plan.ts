/**
 * The failover and the failback of an environment with a standby, as data:
 * every step, what it waits for, how long it is planned to take, which
 * region it acts in, which stacks' state it writes, and the exact commands.
 * `npm run dr` runs them (in parallel where the dependencies allow), the
 * GitHub workflows run `npm run dr`, docs/DISASTER-RECOVERY.md shows what
 * `npm run dr -- <step> --print` prints, and a test walks the plan as a graph
 * against the synthesized stacks. One source; no second copy of a command.
 */
import type { EnvironmentConfig } from '../../environments/types.ts';
import { originHostName, REGIONAL_ORIGIN_DEFAULTS } from '../../modules/edge/regional-origin.ts';
import { databaseUserSecretNames } from '../../modules/security/database-users.ts';
import { THIRD_PARTY_SECRETS } from '../../stacks/third-party-secrets.ts';
import { infrastructureStackName, kubernetesStackName, standbyStackName } from '../../environments/stack-names.ts';

/** A value read at run time from a secret's JSON, never printed: printed as the shell that reads it. */
export interface SecretField {
  readonly secret: { readonly region: string; readonly secretId: string; readonly field: string };
}

/** A UTC time some minutes before the command runs (`date -u -d '-N min'`), for metric queries. */
export interface MinutesAgo {
  readonly minutesAgo: number;
}

/** What another command prints (trimmed), e.g. an ID looked up by name: `"$(…)"` in the shell. */
export interface CommandOutput {
  readonly output: readonly string[];
}

/** One word of a command: a literal, a secret's field, a time relative to when it runs, or another command's output. */
export type Word = string | SecretField | MinutesAgo | CommandOutput;

/** A command, run with its arguments as given (no shell). */
export interface RunCommand {
  readonly kind: 'run';
  readonly argv: readonly Word[];
  readonly env?: Readonly<Record<string, string>>;
}

/** A command run again every `everySeconds` until its output is `until`, for at most `timeoutMinutes`. */
export interface PollCommand {
  readonly kind: 'poll';
  readonly argv: readonly Word[];
  readonly until: string;
  readonly everySeconds: number;
  readonly timeoutMinutes: number;
  /** What it waits for, in words. */
  readonly waitsFor: string;
}

export type Command = RunCommand | PollCommand;

export interface Step {
  /** The name `npm run dr -- <id>` and the workflows take. */
  readonly id: string;
  readonly title: string;
  /** What on-call needs to know of it: one or two sentences. */
  readonly why: string;
  /** Planned minutes, for production's sizes. */
  readonly minutes: number;
  /** Steps that must have finished first. */
  readonly after: readonly string[];
  /** The region it acts in. */
  readonly region: string;
  /** The GitHub environment (and so the CI apply role) it runs as: the one whose stacks' state it may write. */
  readonly githubEnvironment: string;
  /** Stacks it plans and applies, in order. */
  readonly applies: readonly string[];
  /** An environment whose private cluster API it reaches through the tunnel (kubectl). */
  readonly tunnel?: string;
  readonly commands: readonly Command[];
}

export interface Plan {
  readonly name: 'failover' | 'failback';
  readonly primary: string;
  readonly standby: string;
  readonly steps: readonly Step[];
}

const run = (argv: readonly Word[], env?: Readonly<Record<string, string>>): RunCommand => ({ kind: 'run', argv, ...(env ? { env } : {}) });

/** The project's own deploy script: plan, gate on data loss, apply, in order (tools/ci/steps/deploy.sh). */
const deploy = (stacks: readonly string[], env?: Readonly<Record<string, string>>): RunCommand => run(['tools/ci/steps/deploy.sh', 'apply', ...stacks], env);

/** Every secret of the primary that Secrets Manager copies to the standby's region. */
export function replicatedSecretNames(primary: EnvironmentConfig): string[] {
  const prefix = `hexabid/${primary.name}`;
  const users = databaseUserSecretNames(prefix);
  return [`${prefix}/database/master`, users.app, users.appReadonly, users.migrator, ...THIRD_PARTY_SECRETS.map((s) => `${prefix}/${s.name}`)];
}

/** The path the primary's origin checks are pointed at during a failover: nothing answers it, so they fail until failback. */
export function fencedPath(standby: EnvironmentConfig): string {
  return `/failed-over-to-${standby.region}`;
}

/** The standby's lag alarm, which a failover quiets and a failback turns back on. */
export function standbyLagAlarmName(standby: EnvironmentConfig): string {
  return `${infrastructureStackName(standby)}-db-standby-replica-lag-high`;
}

function pair(environments: readonly EnvironmentConfig[]): { primary: EnvironmentConfig; standby: EnvironmentConfig } {
  const standby = environments.find((e) => e.standbyFor);
  const primary = standby ? environments.find((e) => e.name === standby.standbyFor!.primary) : undefined;
  if (!standby || !primary) throw new Error('no environment stands by for another: nothing to fail over');
  return { primary, standby };
}

/**
 * The failover to the standby while the primary's region is down. It reads
 * nothing from that region: every name here is the standby's, or a copy the
 * primary keeps in the standby's region.
 */
export function failoverPlan(environments: readonly EnvironmentConfig[], imageTag: string): Plan {
  const { primary, standby } = pair(environments);
  const region = standby.region;
  const db = infrastructureStackName(standby);
  return {
    name: 'failover',
    primary: primary.name,
    standby: standby.name,
    steps: [
      {
        id: 'promote-database',
        title: 'Promote the database and turn on Multi-AZ',
        why: 'Promotion stops replication for good and makes the replica writable; Multi-AZ is added online while the next steps run. The standby stack ignores both changes.',
        minutes: 25,
        after: [],
        region,
        githubEnvironment: standby.name,
        applies: [],
        commands: [
          run(['aws', 'rds', 'promote-read-replica', '--region', region, '--db-instance-identifier', db, '--backup-retention-period', String(standby.database.backupRetentionDays)]),
          run(['aws', 'rds', 'wait', 'db-instance-available', '--region', region, '--db-instance-identifier', db]),
          run(['aws', 'rds', 'modify-db-instance', '--region', region, '--db-instance-identifier', db, '--multi-az', '--apply-immediately']),
        ],
      },
      {
        id: 'fence-primary-dns',
        title: 'Keep DNS on the standby until failback',
        why: `Route53 would send users back to ${primary.region} the moment its origin answered again, to a database the standby has left behind. Each of the primary's origin checks is pointed at a path nothing answers, so it fails until production's own apply, at failback, puts the path back. Route53's API is global: it answers while ${primary.region} is down.`,
        minutes: 2,
        after: [],
        region,
        githubEnvironment: standby.name,
        applies: [],
        // Route 53 API UpdateHealthCheck: ResourcePath may be changed in place; a 404 fails an HTTPS check.
        commands: REGIONAL_ORIGIN_DEFAULTS.resourcePaths.map((path) => {
          const host = originHostName(primary.region, primary.edge.domainName);
          const check = (resourcePath: string) => `(HealthChecks[?HealthCheckConfig.FullyQualifiedDomainName=='${host}' && HealthCheckConfig.ResourcePath=='${resourcePath}'].Id | [0])`;
          // The check of this path, or once it is fenced (a step run again) one already fenced, which is left as it is.
          const id: CommandOutput = { output: ['aws', 'route53', 'list-health-checks', '--query', `${check(path)} || ${check(fencedPath(standby))}`, '--output', 'text'] };
          return run(['aws', 'route53', 'update-health-check', '--health-check-id', id, '--resource-path', fencedPath(standby)]);
        }),
      },
      {
        id: 'quiet-standby-alarms',
        title: 'Quiet the alarm that no longer applies',
        why: 'The promoted database reports no replica lag, and its lag alarm counts silence as lag: it would page forever.',
        minutes: 1,
        after: ['promote-database'],
        region,
        githubEnvironment: standby.name,
        applies: [],
        commands: [run(['aws', 'cloudwatch', 'disable-alarm-actions', '--region', region, '--alarm-names', standbyLagAlarmName(standby)])],
      },
      {
        id: 'standalone-secrets',
        title: 'Make the copied secrets standalone',
        why: 'Copies are read-only while replication runs; standalone, they can be changed (and rotated by hand) until failback. The app reads them by the same names either way.',
        minutes: 5,
        after: [],
        region,
        githubEnvironment: standby.name,
        applies: [],
        commands: replicatedSecretNames(primary).map((secret) => run(['aws', 'secretsmanager', 'stop-replication-to-replica', '--region', region, '--secret-id', secret])),
      },
      {
        id: 'build-infrastructure',
        title: 'Build the cluster, cache and search domain',
        why: "Synthesizes the standby's stacks, then plans and applies its always-on stack and its infrastructure stack, which builds the EKS cluster, the cache and the search domain in the standby's network and admits the cluster to the database.",
        minutes: 60,
        after: [],
        region,
        githubEnvironment: standby.name,
        applies: [standbyStackName(standby), infrastructureStackName(standby)],
        commands: [run(['npm', 'run', 'synth'], { HEXABID_ENV: standby.name }), deploy([standbyStackName(standby), infrastructureStackName(standby)])],
      },
      {
        id: 'install-app',
        title: 'Install the add-ons and the app, and start the search restore',
        why: "Applies the Kubernetes stack through the tunnel, with the image tag production last served (its images were replicated when they were pushed). It holds back the search domain's index auto-creation, starts the restore beside the app, and makes the secondary DNS records and the origin name.",
        minutes: 30,
        after: ['promote-database', 'build-infrastructure'],
        region,
        githubEnvironment: standby.name,
        applies: [kubernetesStackName(standby)],
        // Synthesized again so the step can be run again on its own.
        commands: [run(['npm', 'run', 'synth'], { HEXABID_ENV: standby.name }), deploy([kubernetesStackName(standby)], { IMAGE_TAG: imageTag })],
      },
      {
        id: 'confirm-serving',
        title: 'Confirm the standby serves, then that DNS sends users to it',
        why: "First the region's own origin name, which proves the standby serves whatever DNS answers; then the domain, which proves Route53 has failed over (the primary's check fails, the secondary's passes).",
        minutes: 15,
        after: ['install-app'],
        region,
        githubEnvironment: standby.name,
        applies: [],
        commands: [run(['npm', 'run', 'smoke', '--', standby.name, '--origin', '--timeout', '900']), run(['npm', 'run', 'smoke', '--', standby.name, '--timeout', '900'])],
      },
      {
        id: 'wait-search-restore',
        title: 'Wait for the search restore',
        why: "The restore started with the app; searches return the snapshot's day once it is done, and the app re-indexes what changed since from the database. A failed restore is safe to run again.",
        minutes: 25,
        after: ['install-app'],
        region,
        githubEnvironment: standby.name,
        applies: [],
        tunnel: standby.name,
        commands: [run(['kubectl', '-n', 'hexabid-system', 'wait', '--for=condition=complete', 'job/search-restore', '--timeout=90m'])],
      },
    ],
  };
}

/** The image tag a failback deploys production with, and the date its final snapshot is named for. */
export interface FailbackOptions {
  readonly imageTag: string;
  /** `YYYYMMDD`, naming the standby database's final snapshot. */
  readonly date: string;
}

/**
 * The failback, in a maintenance window: production's database rebuilt as a
 * replica of the standby's, the documents copied back, the switch, production
 * back in its own state, and the standby rebuilt. Each step runs on its own,
 * with the checks between them a person makes.
 */
export function failbackPlan(environments: readonly EnvironmentConfig[], options: FailbackOptions, addresses: { primary: string; replicas: readonly string[] } = { primary: '', replicas: [] }): Plan {
  const { primary, standby } = pair(environments);
  const accountId = primary.accountId;
  const home = primary.region;
  const away = standby.region;
  const db = infrastructureStackName(primary);
  const standbyDb = infrastructureStackName(standby);
  const replicas = Array.from({ length: primary.database.readReplicas }, (_, i) => `${db}-replica-${i + 1}`);
  const stackDir = `cdktf.out/stacks/${infrastructureStackName(primary)}`;
  const tf = (...args: string[]) => run(['terraform', `-chdir=${stackDir}`, ...args]);
  // The replica's lag over the last five minutes, by the minute: every one of them 0 once it has replayed everything.
  const lagQuery: Word[] = [
    'aws', 'cloudwatch', 'get-metric-statistics', '--region', home, '--namespace', 'AWS/RDS', '--metric-name', 'ReplicaLag',
    '--dimensions', `Name=DBInstanceIdentifier,Value=${db}`, '--start-time', { minutesAgo: 5 }, '--end-time', { minutesAgo: 0 },
    '--period', '60', '--statistics', 'Maximum', '--query', 'max(Datapoints[].Maximum)', '--output', 'text',
  ];
  return {
    name: 'failback',
    primary: primary.name,
    standby: standby.name,
    steps: [
      {
        id: 'replicate-home',
        title: "Rebuild production's database as a replica of the standby's",
        why: `The old primary has diverged and must not take writes: it and its replicas step aside under new names (a replica keeps its name otherwise, and the deploy that adds the new one would collide), and ${db} comes back as a cross-region replica of the promoted ${standbyDb}.`,
        minutes: 90,
        after: [],
        region: home,
        githubEnvironment: primary.name,
        applies: [],
        commands: [
          ...[db, ...replicas].flatMap((id) => {
            const old = id === db ? `${db}-old` : id.replace(`${db}-`, `${db}-old-`);
            return [
              run(['aws', 'rds', 'modify-db-instance', '--region', home, '--db-instance-identifier', id, '--new-db-instance-identifier', old, '--apply-immediately']),
              run(['aws', 'rds', 'wait', 'db-instance-available', '--region', home, '--db-instance-identifier', old]),
            ];
          }),
          run([
            'aws', 'rds', 'create-db-instance-read-replica', '--region', home, '--db-instance-identifier', db,
            '--source-db-instance-identifier', `arn:aws:rds:${away}:${accountId}:db:${standbyDb}`, '--source-region', away,
            '--db-instance-class', primary.database.instanceClass, '--kms-key-id', `alias/${db}-rds`, '--db-subnet-group-name', db,
          ]),
          run(['aws', 'rds', 'wait', 'db-instance-available', '--region', home, '--db-instance-identifier', db]),
        ],
      },
      {
        id: 'copy-documents-home',
        title: 'Copy back the documents the standby wrote',
        why: 'Documents written during the failover live only in the replica bucket; the copy back replicates to the replica again, which is harmless.',
        minutes: 60,
        after: ['replicate-home'],
        region: home,
        githubEnvironment: primary.name,
        applies: [],
        commands: [run(['aws', 's3', 'sync', `s3://${db}-documents-replica-${accountId}`, `s3://${db}-documents-${accountId}`, '--source-region', away, '--region', home])],
      },
      {
        id: 'switch-home',
        title: 'Stop writes on the standby, wait for the replica to catch up, promote it',
        why: `Scaling the standby's app to zero is the moment users see the maintenance window; once ${db} has replayed everything, it is promoted and takes writes.`,
        minutes: 30,
        after: ['copy-documents-home'],
        region: home,
        githubEnvironment: standby.name,
        applies: [],
        tunnel: standby.name,
        commands: [
          run(['kubectl', '-n', standby.kubernetes.appNamespace, 'scale', 'deployment', '--all', '--replicas=0']),
          { kind: 'poll', argv: lagQuery, until: '0.0', everySeconds: 30, timeoutMinutes: 60, waitsFor: `${db} to have replayed every change (ReplicaLag 0 for five minutes)` },
          run(['aws', 'rds', 'promote-read-replica', '--region', home, '--db-instance-identifier', db, '--backup-retention-period', String(primary.database.backupRetentionDays)]),
          run(['aws', 'rds', 'wait', 'db-instance-available', '--region', home, '--db-instance-identifier', db]),
        ],
      },
      {
        id: 'adopt-home',
        title: "Put the new database in production's state, and deploy production",
        why: `Production's state still tracks the renamed old instance: it is swapped for the new one. An imported instance has no record of the write-only password's version, so the deploy sets a new master password that no secret holds; the master password is then set back to the secret's at once, before anything signs in with it. Production's Kubernetes stack puts its origin checks' paths back, and DNS returns to ${home} once they pass.`,
        minutes: 60,
        after: ['switch-home'],
        region: home,
        githubEnvironment: primary.name,
        applies: [infrastructureStackName(primary), kubernetesStackName(primary)],
        commands: [
          run(['npm', 'run', 'synth'], { HEXABID_ENV: primary.name }),
          tf('init', '-input=false'),
          tf('state', 'rm', addresses.primary, ...addresses.replicas),
          tf('import', addresses.primary, db),
          deploy([infrastructureStackName(primary)]),
          run(['aws', 'rds', 'modify-db-instance', '--region', home, '--db-instance-identifier', db, '--apply-immediately', '--master-user-password', { secret: { region: home, secretId: `hexabid/${primary.name}/database/master`, field: 'password' } }]),
          run(['aws', 'rds', 'wait', 'db-instance-available', '--region', home, '--db-instance-identifier', db]),
          deploy([kubernetesStackName(primary)], { IMAGE_TAG: options.imageTag }),
        ],
      },
      {
        id: 'rebuild-standby',
        title: 'Put the standby back',
        why: `The app's Ingress goes first, so the load balancer controller deletes the load balancer and external-dns the secondary DNS records it owns (it syncs every minute). Then the failover's stacks are destroyed, the promoted ${standbyDb} is deleted (a final snapshot kept), and the standby stack builds a fresh replica; its lag alarm pages again.`,
        minutes: 90,
        after: ['adopt-home'],
        region: away,
        githubEnvironment: standby.name,
        applies: [standbyStackName(standby)],
        tunnel: standby.name,
        commands: [
          // Deleting waits for the Ingress's finalizer: the controller has deleted the load balancer by then.
          run(['kubectl', '-n', standby.kubernetes.appNamespace, 'delete', 'ingress', '--all', '--timeout=15m']),
          run(['sleep', '120']),
          run(['npx', 'cdktf', 'destroy', kubernetesStackName(standby), infrastructureStackName(standby), '--auto-approve'], { HEXABID_ENV: standby.name }),
          run(['aws', 'rds', 'modify-db-instance', '--region', away, '--db-instance-identifier', standbyDb, '--no-deletion-protection', '--apply-immediately']),
          run(['aws', 'rds', 'delete-db-instance', '--region', away, '--db-instance-identifier', standbyDb, '--final-db-snapshot-identifier', `${standbyDb}-failback-${options.date}`]),
          run(['aws', 'rds', 'wait', 'db-instance-deleted', '--region', away, '--db-instance-identifier', standbyDb]),
          deploy([standbyStackName(standby)]),
          run(['aws', 'cloudwatch', 'enable-alarm-actions', '--region', away, '--alarm-names', standbyLagAlarmName(standby)]),
        ],
      },
      {
        id: 'reissue-validation-record',
        title: "Put back production's certificate validation record",
        why: "Destroying the standby's Kubernetes stack removed the DNS record both certificates validate with; production's Kubernetes stack writes it again.",
        minutes: 10,
        after: ['rebuild-standby'],
        region: home,
        githubEnvironment: primary.name,
        applies: [kubernetesStackName(primary)],
        commands: [run(['npm', 'run', 'synth'], { HEXABID_ENV: primary.name }), deploy([kubernetesStackName(primary)])],
      },
    ],
  };
}

/** What {@link databaseAddresses} reads of a synthesized infrastructure stack. */
export interface InfrastructureJson {
  readonly resource: Readonly<Record<string, Readonly<Record<string, { readonly identifier?: string }>>>>;
}

/**
 * The Terraform addresses of the primary's database instances, for the
 * failback's state swap: read from its stack as it synthesizes, so a renamed
 * construct cannot leave a stale address in the plan.
 */
export function databaseAddresses(json: InfrastructureJson, primary: EnvironmentConfig): { primary: string; replicas: string[] } {
  const name = infrastructureStackName(primary);
  const instances = Object.entries(json.resource.aws_db_instance ?? {});
  const found = instances.find(([, db]) => db.identifier === name);
  if (!found) throw new Error(`no aws_db_instance named ${name} in ${name}`);
  const address = (id: string) => `aws_db_instance.${id}`;
  return { primary: address(found[0]), replicas: instances.filter(([, db]) => db.identifier?.startsWith(`${name}-replica-`)).map(([id]) => address(id)) };
}

/** The steps in an order that respects `after`; throws on a cycle or an unknown step. */
export function orderedSteps(plan: Plan): Step[] {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const done = new Set<string>();
  const order: Step[] = [];
  const visit = (step: Step, path: readonly string[]) => {
    if (done.has(step.id)) return;
    if (path.includes(step.id)) throw new Error(`${plan.name}: steps wait for each other: ${[...path, step.id].join(' → ')}`);
    for (const id of step.after) {
      const before = byId.get(id);
      if (!before) throw new Error(`${plan.name}: ${step.id} waits for ${id}, which is no step`);
      visit(before, [...path, step.id]);
    }
    done.add(step.id);
    order.push(step);
  };
  plan.steps.forEach((s) => visit(s, []));
  return order;
}

/** When each step starts and ends, in planned minutes from the plan's start, every step as early as its dependencies allow. */
export function schedule(plan: Plan): Map<string, { start: number; end: number }> {
  const times = new Map<string, { start: number; end: number }>();
  for (const step of orderedSteps(plan)) {
    const start = Math.max(0, ...step.after.map((id) => times.get(id)!.end));
    times.set(step.id, { start, end: start + step.minutes });
  }
  return times;
}

/** Quotes a word for a POSIX shell, only when it needs it. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  // Double quotes read better around a JMESPath query's single quotes, when nothing in it would expand.
  if (word.includes("'") && !/["$`\\!]/.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One word as a person would type it. */
function wordText(word: Word): string {
  if (typeof word === 'string') return shellQuote(word);
  if ('output' in word) return `"$(${word.output.map(wordText).join(' ')})"`;
  if ('minutesAgo' in word) return word.minutesAgo === 0 ? `"$(date -u +%Y-%m-%dT%H:%M:%SZ)"` : `"$(date -u -d '-${word.minutesAgo} min' +%Y-%m-%dT%H:%M:%SZ)"`;
  return `"$(aws secretsmanager get-secret-value --region ${word.secret.region} --secret-id ${word.secret.secretId} --query SecretString --output text | jq -r .${word.secret.field})"`;
}

/** A command as a person would type it: secrets read inline, polls as a loop. */
export function commandText(command: Command): string {
  if (command.kind === 'poll') {
    return `until [ "$(${command.argv.map(wordText).join(' ')})" = ${shellQuote(command.until)} ]; do sleep ${command.everySeconds}; done`;
  }
  const env = Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)} `).join('');
  return `${env}${command.argv.map(wordText).join(' ')}`;
}
