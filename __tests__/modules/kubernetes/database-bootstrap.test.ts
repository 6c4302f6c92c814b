import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_CREDENTIAL_VARIABLES,
  DATABASE_BOOTSTRAP_SQL,
  DatabaseBootstrap,
  type DatabaseBootstrapProps,
  POSTGRES_CLIENT_IMAGE,
} from '../../../modules/kubernetes/database-bootstrap.ts';
import { onlyResource, synthConstruct, type TfJson } from '../../helpers/synth.ts';

const PROPS: DatabaseBootstrapProps = {
  namespace: 'hexabid-system',
  host: 'hexabid-test.abc.ap-south-1.rds.amazonaws.com',
  dbName: 'hexabid',
  masterSecretName: 'db-master',
  migratorSecretName: 'db-migrator',
  appSecretName: 'db-app',
  appReadonlySecretName: 'db-app-readonly',
};

const synth = (props: Partial<DatabaseBootstrapProps> = {}): TfJson =>
  synthConstruct((scope) => new DatabaseBootstrap(scope, 'Bootstrap', { ...PROPS, ...props }));

/** The SQL's statements (comments and blank lines dropped), each on one line. */
const statements = DATABASE_BOOTSTRAP_SQL.split('\n')
  .filter((line) => line.trim() !== '' && !line.trim().startsWith('--'))
  .join('\n');

describe('DatabaseBootstrap', () => {
  const json = synth();
  const job = onlyResource(json, 'kubernetes_job_v1');
  const pod = job.spec.template.spec;
  const container = pod.container[0];

  it('runs a Job that the apply waits for, bounded in time and retries, named for its inputs', () => {
    expect(job.wait_for_completion).toBe(true);
    expect(job.spec.backoff_limit).toBe(3);
    expect(job.spec.active_deadline_seconds).toBe(300);
    expect(pod.restart_policy).toBe('Never');
    expect(job.metadata.namespace).toBe('hexabid-system');
    expect(job.metadata.name).toMatch(/^database-bootstrap-\$\{substr\(sha256\(join\("\\n", \["[0-9a-f]{8}", "hexabid-test\.abc\.ap-south-1\.rds\.amazonaws\.com", "hexabid", "db-master", "db-migrator", "db-app", "db-app-readonly"\]\)\), 0, 10\)\}$/);
    expect(job.depends_on).toEqual([expect.stringMatching(/^kubernetes_config_map_v1\./)]);
  });

  it('re-runs when the SQL, the image or an input changes', () => {
    const known = (name: string) => /\["([0-9a-f]{8})"/.exec(name)![1];
    const other = onlyResource(synth({ image: 'public.ecr.aws/docker/library/postgres:17.10-alpine3.23' }), 'kubernetes_job_v1');
    expect(known(other.metadata.name)).not.toBe(known(job.metadata.name));
    const moved = onlyResource(synth({ host: 'elsewhere' }), 'kubernetes_job_v1');
    expect(moved.metadata.name).not.toBe(job.metadata.name);
  });

  it('runs psql from a pinned PostgreSQL 17 image', () => {
    expect(POSTGRES_CLIENT_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/postgres:17\.\d+-alpine\d+\.\d+$/);
    expect(container.image).toBe(POSTGRES_CLIENT_IMAGE);
    expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(container.command[2]).toContain('exec psql --no-psqlrc --single-transaction --quiet --file /sql/bootstrap.sql');
  });

  it('meets the restricted Pod Security Standard, with no service account token', () => {
    expect(pod.security_context).toEqual({ run_as_non_root: true, run_as_user: '70', run_as_group: '70', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(container.security_context).toEqual({
      run_as_non_root: true,
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automount_service_account_token).toBe(false);
    for (const field of ['host_network', 'host_pid', 'host_ipc', 'service_account_name']) expect(pod[field]).toBeUndefined();
    // Only a ConfigMap (read-only) and a memory emptyDir for /tmp: no host paths.
    expect(pod.volume.map((v: Record<string, unknown>) => Object.keys(v).sort().join(','))).toEqual(['config_map,name', 'empty_dir,name']);
    expect(container.volume_mount).toEqual([
      { name: 'sql', mount_path: '/sql', read_only: true },
      { name: 'tmp', mount_path: '/tmp' },
    ]);
    expect(container.resources.limits.memory).toBeDefined();
  });

  it('reads every credential from a Kubernetes Secret, and connects with TLS required', () => {
    const env = container.env as { name: string; value?: string; value_from?: { secret_key_ref: { name: string; key: string } } }[];
    const fromSecret = Object.fromEntries(env.filter((e) => e.value_from).map((e) => [e.name, `${e.value_from!.secret_key_ref.name}/${e.value_from!.secret_key_ref.key}`]));
    expect(fromSecret).toEqual({
      PGUSER: 'db-master/username',
      PGPASSWORD: 'db-master/password',
      MIGRATOR_USERNAME: 'db-migrator/username',
      MIGRATOR_PASSWORD: 'db-migrator/password',
      APP_USERNAME: 'db-app/username',
      APP_PASSWORD: 'db-app/password',
      APP_READONLY_USERNAME: 'db-app-readonly/username',
      APP_READONLY_PASSWORD: 'db-app-readonly/password',
    });
    for (const e of env.filter((v) => /PASSWORD/.test(v.name))) expect(e.value).toBeUndefined();
    const literal = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    expect(literal).toEqual({
      PGHOST: 'hexabid-test.abc.ap-south-1.rds.amazonaws.com',
      PGPORT: '5432',
      PGDATABASE: 'hexabid',
      PGSSLMODE: 'require',
      PGCONNECT_TIMEOUT: '10',
      PGAPPNAME: 'database-bootstrap',
      HOME: '/tmp',
    });
    expect(BOOTSTRAP_CREDENTIAL_VARIABLES.every((name) => name in fromSecret)).toBe(true);
  });

  it('ships the SQL in a ConfigMap, with nothing Terraform or Kubernetes would expand', () => {
    const config = onlyResource(json, 'kubernetes_config_map_v1');
    expect(config.data).toEqual({ 'bootstrap.sql': DATABASE_BOOTSTRAP_SQL });
    for (const text of [DATABASE_BOOTSTRAP_SQL, container.command[2]]) {
      expect(text).not.toContain('${');
      expect(text).not.toContain('%{');
      expect(text).not.toContain('$(');
    }
  });

  it('grants exactly the listed privileges, through NOLOGIN group roles', () => {
    const grants = statements.split('\n').filter((line) => /^(GRANT|REVOKE|ALTER DEFAULT PRIVILEGES)\b/.test(line));
    expect(grants).toEqual([
      'GRANT hexabid_readwrite TO hexabid_app;',
      'GRANT hexabid_readonly TO hexabid_app_ro;',
      'GRANT hexabid_migrator TO CURRENT_USER WITH INHERIT FALSE, SET TRUE;',
      'REVOKE ALL ON SCHEMA hexabid FROM PUBLIC;',
      'GRANT USAGE ON SCHEMA hexabid TO hexabid_readwrite, hexabid_readonly;',
      'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hexabid TO hexabid_readwrite;',
      'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA hexabid TO hexabid_readwrite;',
      'GRANT SELECT ON ALL TABLES IN SCHEMA hexabid TO hexabid_readonly;',
      'ALTER DEFAULT PRIVILEGES FOR ROLE hexabid_migrator IN SCHEMA hexabid GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hexabid_readwrite;',
      'ALTER DEFAULT PRIVILEGES FOR ROLE hexabid_migrator IN SCHEMA hexabid GRANT USAGE, SELECT ON SEQUENCES TO hexabid_readwrite;',
      'ALTER DEFAULT PRIVILEGES FOR ROLE hexabid_migrator IN SCHEMA hexabid GRANT SELECT ON TABLES TO hexabid_readonly;',
      'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
    ]);
    // Privileges are granted as the schema's owner, and the schema is the migrator's.
    expect(statements).toMatch(/CREATE SCHEMA IF NOT EXISTS hexabid AUTHORIZATION hexabid_migrator;\nALTER SCHEMA hexabid OWNER TO hexabid_migrator;\nSET ROLE hexabid_migrator;/);
    expect(statements).toContain('ALTER DATABASE :"dbname" SET search_path = hexabid;');
    // Group roles cannot log in; nobody may create roles or databases.
    expect(statements).toContain("EXECUTE format('CREATE ROLE %I WITH NOLOGIN INHERIT NOCREATEDB NOCREATEROLE', 'hexabid_readwrite');");
    expect(statements).toContain("EXECUTE format('CREATE ROLE %I WITH NOLOGIN INHERIT NOCREATEDB NOCREATEROLE', 'hexabid_readonly');");
    for (const role of ['hexabid_migrator', 'hexabid_app', 'hexabid_app_ro']) {
      expect(statements).toContain(`EXECUTE format('ALTER ROLE %I WITH LOGIN INHERIT NOCREATEDB NOCREATEROLE', '${role}');`);
    }
    expect(statements).not.toMatch(/\b(SUPERUSER|CREATEDB|CREATEROLE|BYPASSRLS|REPLICATION)\b/);
    expect(statements).not.toMatch(/\b(TRUNCATE|REFERENCES|TRIGGER|ALL PRIVILEGES)\b/);
  });

  it('holds no password: each comes from the environment and is sent as a quoted psql variable, never echoed', () => {
    const passwordLines = statements.split('\n').filter((line) => /PASSWORD/i.test(line));
    expect(passwordLines).toEqual([
      '\\getenv migrator_password MIGRATOR_PASSWORD',
      '\\getenv app_password APP_PASSWORD',
      '\\getenv app_readonly_password APP_READONLY_PASSWORD',
      'ALTER ROLE :"migrator_user" WITH PASSWORD :\'migrator_password\';',
      'ALTER ROLE :"app_user" WITH PASSWORD :\'app_password\';',
      'ALTER ROLE :"app_readonly_user" WITH PASSWORD :\'app_readonly_password\';',
    ]);
    expect(DATABASE_BOOTSTRAP_SQL).not.toMatch(/ECHO/);
    expect(DATABASE_BOOTSTRAP_SQL).toContain('\\set VERBOSITY terse');
    expect(DATABASE_BOOTSTRAP_SQL).toContain('\\set ON_ERROR_STOP on');
    // Only usernames go to the server as settings.
    expect(statements).not.toMatch(/set_config\([^)]*password/);
  });

  it('accepts the clone a multi-user rotation left in the secret, keeps the base user, and drops no one', () => {
    for (const [base, variable, environment] of [
      ['hexabid_app', 'app', 'APP'],
      ['hexabid_app_ro', 'app_readonly', 'APP_READONLY'],
    ] as const) {
      const named = `current_setting('hexabid_bootstrap.${variable}_user')`;
      expect(statements).toContain(`IF ${named} NOT IN ('${base}', '${base}_clone') THEN`);
      expect(statements).toContain(`RAISE EXCEPTION '${environment}_USERNAME is "%", expected ${base} or ${base}_clone', ${named};`);
      // The base user is created if missing, whichever the secret names.
      expect(statements).toContain(`IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${base}') THEN`);
      // A clone is made a member of the base user, as the rotation function does.
      expect(statements).toContain(`IF ${named} <> '${base}' THEN`);
      expect(statements).toContain(`EXECUTE format('GRANT %I TO %I', '${base}', ${named});`);
    }
    // The migrator rotates single-user: no clone is accepted.
    expect(statements).toContain("IF current_setting('hexabid_bootstrap.migrator_user') NOT IN ('hexabid_migrator') THEN");
    expect(statements).not.toMatch(/\bDROP\b/);
  });

  it('refuses a name Kubernetes would reject', () => {
    expect(() => synth({ name: 'Database_Bootstrap' })).toThrow('DatabaseBootstrap Bootstrap: name must be lowercase letters');
  });
});
