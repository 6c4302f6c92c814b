import { createHash } from 'node:crypto';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';
import { CLONE_SUFFIX, DATABASE_ROLE_NAMES as R } from '../security/database-users.ts';

/**
 * The PostgreSQL 17 client image: the official `postgres` image through its
 * ECR Public mirror (no Docker Hub rate limit). 17.11 on Alpine 3.24 is the
 * current 17 tag in docker-library/official-images `library/postgres`
 * (commit 62e3678b, 2026-08-13: "Tags: 17.11-alpine3.24, 17-alpine3.24,
 * 17.11-alpine, 17-alpine"). The Alpine variants create the `postgres` user
 * as uid and gid 70 (docker-library/postgres, 17/alpine*\/Dockerfile).
 */
export const POSTGRES_CLIENT_IMAGE = 'public.ecr.aws/docker/library/postgres:17.11-alpine3.24';
/** The `postgres` user of the Alpine image. */
const POSTGRES_UID = '70';

/** The keys External Secrets extracts from each credential's JSON. */
const USERNAME_KEY = 'username';
const PASSWORD_KEY = 'password';

/** One login user of the bootstrap: its role, its group, and the variables that carry its credential. */
interface LoginUser {
  /** The base role name. */
  readonly role: string;
  /** Group role it is a member of; none for the migrator, which owns the schema. */
  readonly group?: string;
  /** Whether the secret may name `<role>_clone` (alternating-users rotation). */
  readonly alternating: boolean;
  /** psql variable prefix and environment variable prefix. */
  readonly variable: string;
  readonly environment: string;
}

const LOGIN_USERS: readonly LoginUser[] = [
  { role: R.migrator, alternating: false, variable: 'migrator', environment: 'MIGRATOR' },
  { role: R.app, group: R.readwrite, alternating: true, variable: 'app', environment: 'APP' },
  { role: R.appReadonly, group: R.readonly, alternating: true, variable: 'app_readonly', environment: 'APP_READONLY' },
];

/** The environment variables the SQL reads with `\getenv`, besides libpq's own `PG*`. */
export const BOOTSTRAP_CREDENTIAL_VARIABLES = LOGIN_USERS.flatMap((u) => [`${u.environment}_USERNAME`, `${u.environment}_PASSWORD`]);

/** PL/pgSQL that creates a role if it is missing and keeps its attributes: never CREATEDB or CREATEROLE. */
const ensureRole = (nameSql: string, login: boolean, indent: string): string => {
  const attributes = `${login ? 'LOGIN' : 'NOLOGIN'} INHERIT NOCREATEDB NOCREATEROLE`;
  return [
    `IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${nameSql}) THEN`,
    `  EXECUTE format('CREATE ROLE %I WITH ${attributes}', ${nameSql});`,
    'END IF;',
    `EXECUTE format('ALTER ROLE %I WITH ${attributes}', ${nameSql});`,
  ]
    .map((line) => indent + line)
    .join('\n');
};

/** Checks the username a secret names, and creates the user (and, for a clone, its base user) if missing. */
const loginUserBlock = (u: LoginUser): string => {
  const named = `current_setting('hexabid_bootstrap.${u.variable}_user')`;
  const names = u.alternating ? [u.role, `${u.role}${CLONE_SUFFIX}`] : [u.role];
  const clone = [
    '',
    `  -- A clone gets what the rotation function gives it: membership of the base`,
    `  -- user (GRANT ${u.role} TO ${u.role}${CLONE_SUFFIX}), hence the same privileges.`,
    `  -- Whichever of the two the secret does not name is left alone, never dropped.`,
    `  IF ${named} <> '${u.role}' THEN`,
    ensureRole(named, true, '    '),
    `    EXECUTE format('GRANT %I TO %I', '${u.role}', ${named});`,
    '  END IF;',
  ];
  return [
    `-- ${u.role}: ${u.alternating ? `the secret names it or ${u.role}${CLONE_SUFFIX} (alternating users)` : 'single-user rotation'}.`,
    'DO $$',
    'BEGIN',
    `  IF ${named} NOT IN (${names.map((n) => `'${n}'`).join(', ')}) THEN`,
    `    RAISE EXCEPTION '${u.environment}_USERNAME is "%", expected ${names.join(' or ')}', ${named};`,
    '  END IF;',
    ...(u.alternating ? ['  -- The base user always exists: the next rotation alternates back to it.'] : []),
    ensureRole(`'${u.role}'`, true, '  '),
    ...(u.alternating ? clone : []),
    'END $$;',
  ].join('\n');
};

/**
 * The bootstrap, run by psql as the master user in one transaction. It is
 * idempotent: every run converges the roles and grants on what is written
 * here, and sets each user's password to the one in its secret.
 *
 * Passwords never appear in this text: psql reads them from the environment
 * (`\getenv`) and sends them as quoted literals (`:'var'`) in ALTER ROLE
 * statements only. Nothing is echoed (no `ECHO`, terse errors without the
 * statement's text). Usernames reach the DO blocks through session settings.
 */
export const DATABASE_BOOTSTRAP_SQL = `-- HexaBid database roles: least privilege for the app, through group roles.
\\set ON_ERROR_STOP on
-- Errors name no statement text, so no password can appear in the job's log.
\\set VERBOSITY terse
\\set SHOW_CONTEXT never
SET client_min_messages = warning;
SET lock_timeout = '10s';
SET statement_timeout = '60s';

${LOGIN_USERS.map((u) => `\\getenv ${u.variable}_user ${u.environment}_USERNAME\n\\getenv ${u.variable}_password ${u.environment}_PASSWORD`).join('\n')}
SELECT current_database() AS dbname \\gset
-- Usernames, never passwords, go to the DO blocks as session settings.
SELECT ${LOGIN_USERS.map((u) => `set_config('hexabid_bootstrap.${u.variable}_user', :'${u.variable}_user', false) AS ${u.variable}_user_setting`).join(',\n       ')} \\gset

-- Group roles hold every privilege; no one logs in as them.
DO $$
BEGIN
${ensureRole(`'${R.readwrite}'`, false, '  ')}
${ensureRole(`'${R.readonly}'`, false, '  ')}
END $$;

${LOGIN_USERS.map(loginUserBlock).join('\n\n')}

-- Memberships: a clone inherits them through its base user.
${LOGIN_USERS.filter((u) => u.group).map((u) => `GRANT ${u.group} TO ${u.role};`).join('\n')}

-- The schema belongs to the migrator. The master may act as the migrator
-- (SET, not INHERIT): PostgreSQL 16+ requires that to give it the schema,
-- and the grants below are made as the owner of the tables.
GRANT ${R.migrator} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE;
CREATE SCHEMA IF NOT EXISTS ${R.schema} AUTHORIZATION ${R.migrator};
ALTER SCHEMA ${R.schema} OWNER TO ${R.migrator};

SET ROLE ${R.migrator};
REVOKE ALL ON SCHEMA ${R.schema} FROM PUBLIC;
GRANT USAGE ON SCHEMA ${R.schema} TO ${R.readwrite}, ${R.readonly};
-- Read-write: rows in, out and gone; never TRUNCATE, REFERENCES, TRIGGER or DDL.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${R.schema} TO ${R.readwrite};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${R.schema} TO ${R.readwrite};
-- Read-only: SELECT.
GRANT SELECT ON ALL TABLES IN SCHEMA ${R.schema} TO ${R.readonly};
-- The same for every table and sequence migrations create later.
ALTER DEFAULT PRIVILEGES FOR ROLE ${R.migrator} IN SCHEMA ${R.schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${R.readwrite};
ALTER DEFAULT PRIVILEGES FOR ROLE ${R.migrator} IN SCHEMA ${R.schema} GRANT USAGE, SELECT ON SEQUENCES TO ${R.readwrite};
ALTER DEFAULT PRIVILEGES FOR ROLE ${R.migrator} IN SCHEMA ${R.schema} GRANT SELECT ON TABLES TO ${R.readonly};
RESET ROLE;

-- Nobody else creates objects in public; every session, clones included,
-- finds the app's tables first.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER DATABASE :"dbname" SET search_path = ${R.schema};

-- Passwords last, as literals from the environment: the database then agrees
-- with each secret's current value.
${LOGIN_USERS.map((u) => `ALTER ROLE :"${u.variable}_user" WITH PASSWORD :'${u.variable}_password';`).join('\n')}
`;

/**
 * Fails on a missing credential without printing any value, then runs the SQL
 * in one transaction. It holds no `\${` or `%{`, which Terraform would take
 * for its own templates, and no `$(`, which Kubernetes would expand.
 */
const ENTRYPOINT = `set -eu
for name in PGHOST PGUSER PGPASSWORD ${BOOTSTRAP_CREDENTIAL_VARIABLES.join(' ')}; do
  env | grep -q "^$name=." || { echo "$name is empty" >&2; exit 1; }
done
exec psql --no-psqlrc --single-transaction --quiet --file /sql/bootstrap.sql
`;

export interface DatabaseBootstrapProps {
  /** Where the job runs, e.g. `hexabid-system`. */
  readonly namespace: string;
  /** The primary's hostname. */
  readonly host: string;
  readonly dbName: string;
  /**
   * The Kubernetes Secret with the master credential (`username`, `password`
   * keys), made by the caller with External Secrets from the master secret.
   */
  readonly masterSecretName: string;
  /** The Kubernetes Secret with the migrator's credential (`username`, `password`). */
  readonly migratorSecretName: string;
  /** The Kubernetes Secret with the app's read-write credential (`username`, `password`). */
  readonly appSecretName: string;
  /** The Kubernetes Secret with the app's read-only credential (`username`, `password`). */
  readonly appReadonlySecretName: string;
  /** @default 5432 */
  readonly port?: number;
  /** @default POSTGRES_CLIENT_IMAGE */
  readonly image?: string;
  /**
   * Prefix of the job's and its ConfigMap's names.
   * @default 'database-bootstrap'
   */
  readonly name?: string;
  /** @default { 'hexabid.in/node-group': 'app' } */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link DatabaseBootstrapProps}, applied in one place. */
export const DATABASE_BOOTSTRAP_DEFAULTS = {
  port: 5432,
  image: POSTGRES_CLIENT_IMAGE,
  name: 'database-bootstrap',
  nodeSelector: { 'hexabid.in/node-group': 'app' },
  dependsOn: [],
} as const satisfies Partial<DatabaseBootstrapProps>;

/**
 * Creates the app's PostgreSQL roles and grants from inside the VPC: a
 * Kubernetes Job running psql (TLS required) as the master user, with
 * {@link DATABASE_BOOTSTRAP_SQL}. Every credential comes from a Kubernetes
 * Secret that External Secrets keeps in step with Secrets Manager; the caller
 * creates those ExternalSecrets (kubernetes_manifest would need their CRD at
 * plan time).
 *
 * The job's name carries a hash of its SQL, image and inputs, so a change runs
 * it again (a rotation does not: it changes no input); the apply waits for it
 * and fails if it fails. The pod meets the restricted Pod Security Standard.
 *
 * Give those ExternalSecrets a short refresh interval (or force a sync before
 * a run): the job sets each password from what the Kubernetes Secret holds.
 * For the alternating users a stale copy is harmless (it names the other user,
 * whose password has not changed), but a stale migrator or master copy taken
 * before a single-user rotation would set the old password back (the migrator)
 * or fail to log in (the master) until the next refresh.
 */
export class DatabaseBootstrap extends Construct {
  readonly job: JobV1;
  readonly jobName: string;

  constructor(scope: Construct, id: string, props: DatabaseBootstrapProps) {
    super(scope, id);
    const p = withDefaults(props, DATABASE_BOOTSTRAP_DEFAULTS);
    requireProps(/^[a-z][a-z0-9-]{0,40}$/.test(p.name), 'DatabaseBootstrap', id, `name must be lowercase letters, digits and - and at most 41 characters (got "${p.name}")`);
    requireProps(Number.isInteger(p.port) && p.port > 0 && p.port < 65536, 'DatabaseBootstrap', id, `port must be a TCP port (got ${p.port})`);

    const files = new ConfigMapV1(this, 'Sql', {
      metadata: { name: `${p.name}-sql`, namespace: p.namespace, labels: { 'app.kubernetes.io/name': p.name, 'app.kubernetes.io/managed-by': 'terraform' } },
      data: { 'bootstrap.sql': DATABASE_BOOTSTRAP_SQL },
    });
    // What is known at synth is hashed here; only references go to Terraform.
    const known = createHash('sha256').update([DATABASE_BOOTSTRAP_SQL, ENTRYPOINT, p.image, String(p.port)].join('\n')).digest('hex').slice(0, 8);
    const digest = Fn.substr(
      Fn.sha256(Fn.join('\n', [known, p.host, p.dbName, p.masterSecretName, p.migratorSecretName, p.appSecretName, p.appReadonlySecretName])),
      0,
      10,
    );
    const fromSecret = (name: string, secretName: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
    const credentials: Record<string, string> = { MIGRATOR: p.migratorSecretName, APP: p.appSecretName, APP_READONLY: p.appReadonlySecretName };

    this.jobName = `${p.name}-${digest}`;
    this.job = new JobV1(this, 'Job', {
      metadata: { name: this.jobName, namespace: p.namespace, labels: { 'app.kubernetes.io/name': p.name, 'app.kubernetes.io/managed-by': 'terraform' } },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 300,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': p.name } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            restartPolicy: 'Never',
            // Restricted Pod Security: non-root, no privilege, read-only root.
            securityContext: { runAsNonRoot: true, runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, seccompProfile: { type: 'RuntimeDefault' } },
            nodeSelector: { ...p.nodeSelector },
            container: [
              {
                name: 'psql',
                image: p.image,
                command: ['/bin/sh', '-c', ENTRYPOINT],
                env: [
                  // libpq reads these: the master credential, and TLS or nothing.
                  { name: 'PGHOST', value: p.host },
                  { name: 'PGPORT', value: String(p.port) },
                  { name: 'PGDATABASE', value: p.dbName },
                  { name: 'PGSSLMODE', value: 'require' },
                  { name: 'PGCONNECT_TIMEOUT', value: '10' },
                  { name: 'PGAPPNAME', value: p.name },
                  fromSecret('PGUSER', p.masterSecretName, USERNAME_KEY),
                  fromSecret('PGPASSWORD', p.masterSecretName, PASSWORD_KEY),
                  ...LOGIN_USERS.flatMap((u) => [
                    fromSecret(`${u.environment}_USERNAME`, credentials[u.environment]!, USERNAME_KEY),
                    fromSecret(`${u.environment}_PASSWORD`, credentials[u.environment]!, PASSWORD_KEY),
                  ]),
                  { name: 'HOME', value: '/tmp' },
                ],
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMount: [
                  { name: 'sql', mountPath: '/sql', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volume: [
              { name: 'sql', configMap: { name: files.metadata.name } },
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: '10m', update: '10m' },
      dependsOn: [files, ...p.dependsOn],
    });
  }
}
