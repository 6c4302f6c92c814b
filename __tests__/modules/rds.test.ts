import { describe, expect, it } from 'vitest';
import { PostgresDatabase, type PostgresDatabaseProps } from '../../modules/rds.ts';
import { onlyResource, resourcesOf, synthConstruct } from '../helpers/synth.ts';

const props: PostgresDatabaseProps = {
  identifier: 'hexabid-test',
  instanceClass: 'db.r5.xlarge',
  vpcId: 'vpc-123',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  allowedSecurityGroupIds: ['sg-cluster'],
  masterSecretName: 'hexabid/test/database/master',
};

describe('PostgresDatabase', () => {
  const json = synthConstruct((scope) => new PostgresDatabase(scope, 'Db', { ...props, readReplicas: 1 }));
  const instances = resourcesOf(json, 'aws_db_instance');
  const primary = instances.find((d) => d.replicate_source_db === undefined)!;
  const replica = instances.find((d) => d.replicate_source_db !== undefined)!;

  it('defaults to PostgreSQL 17 without paid extended support', () => {
    expect(primary).toMatchObject({ engine: 'postgres', engine_version: '17', engine_lifecycle_support: 'open-source-rds-extended-support-disabled' });
  });

  it('defaults to secure and durable settings', () => {
    expect(primary).toMatchObject({
      multi_az: true,
      storage_type: 'gp3',
      storage_encrypted: true,
      publicly_accessible: false,
      deletion_protection: true,
      backup_retention_period: 30,
      copy_tags_to_snapshot: true,
      skip_final_snapshot: false,
      delete_automated_backups: false,
      allocated_storage: 20,
      max_allocated_storage: 100,
      iam_database_authentication_enabled: true,
    });
    expect(primary.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
  });

  it('names the final snapshot for its creation time, fixed once created, so a recreated database cannot collide', () => {
    expect(primary.final_snapshot_identifier).toBe('hexabid-test-final-${formatdate("YYYYMMDDhhmmss", timestamp())}');
    expect(primary.lifecycle).toEqual({ ignore_changes: ['final_snapshot_identifier'] });
    // Replicas take no final snapshot, so they need neither.
    expect(replica).toMatchObject({ skip_final_snapshot: true });
    expect(replica.final_snapshot_identifier).toBeUndefined();
    expect(replica.lifecycle).toBeUndefined();
  });

  it('forces TLS and logs slow queries through its parameter group, and exports logs', () => {
    const group = onlyResource(json, 'aws_db_parameter_group');
    expect(group.family).toBe('postgres17');
    expect(group).toMatchObject({ name_prefix: 'hexabid-test-postgres17-', lifecycle: { create_before_destroy: true } });
    expect(group.parameter).toContainEqual({ name: 'rds.force_ssl', value: '1' });
    expect(group.parameter).toContainEqual({ name: 'log_min_duration_statement', value: '1000' });
    expect(primary.enabled_cloudwatch_logs_exports).toEqual(['postgresql', 'upgrade']);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group').map((g) => g.name)).toContain('/aws/rds/instance/hexabid-test/postgresql');
  });

  it('turns on Database Insights and enhanced monitoring', () => {
    expect(primary).toMatchObject({ performance_insights_enabled: true, database_insights_mode: 'standard', monitoring_interval: 60 });
    expect(primary.monitoring_role_arn).toMatch(/aws_iam_role\./);
    for (const db of instances) expect(db.depends_on).toContainEqual(expect.stringMatching(/^aws_iam_role_policy_attachment\./));
  });

  it('skips Performance Insights on classes that do not offer it', () => {
    const small = synthConstruct((scope) => new PostgresDatabase(scope, 'Db', { ...props, instanceClass: 'db.t3.small' }));
    const db = onlyResource(small, 'aws_db_instance');
    expect(db.performance_insights_enabled).toBe(false);
    expect(db.database_insights_mode).toBeUndefined();
  });

  it('admits 5432 only from the given security groups', () => {
    const rule = onlyResource(json, 'aws_vpc_security_group_ingress_rule');
    expect(rule).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp', referenced_security_group_id: 'sg-cluster' });
    expect(onlyResource(json, 'aws_security_group').egress).toBeUndefined();
  });

  it('sets the master password write-only from a generated secret, so replicas work', () => {
    expect(primary.manage_master_user_password).toBeUndefined();
    expect(primary.password).toBeUndefined();
    expect(primary.password_wo).toMatch(/^\$\{data\.aws_secretsmanager_random_password\./);
    expect(primary.password_wo_version).toBe(1);
    const version = onlyResource(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string_wo).toContain('data.aws_secretsmanager_random_password.');
    expect(version.secret_string_wo_version).toBe(1);
    expect(onlyResource(json, 'aws_secretsmanager_secret')).toMatchObject({ name: 'hexabid/test/database/master', recovery_window_in_days: 30 });
  });

  it('creates a read replica from the primary, encrypted and protected alike', () => {
    expect(replica.replicate_source_db).toMatch(/aws_db_instance\..*\.identifier/);
    expect(replica).toMatchObject({ identifier: 'hexabid-test-replica-1', storage_encrypted: true, publicly_accessible: false, deletion_protection: true });
    expect(replica.password_wo).toBeUndefined();
    expect(replica.username).toBeUndefined();
  });

  it('stops and starts on a schedule through EventBridge Scheduler, with a role that may do only that, to this instance', () => {
    const stopped = synthConstruct((scope) => new PostgresDatabase(scope, 'Db', { ...props, stopSchedule: { stop: '0 20 * * 1-5', start: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' } }));
    const schedules = resourcesOf(stopped, 'aws_scheduler_schedule');
    const byName = [...schedules].sort((a, b) => (a.name < b.name ? 1 : -1)); // stop, then start
    expect(byName.map((s) => [s.name, s.schedule_expression, s.schedule_expression_timezone, s.target.arn, JSON.parse(s.target.input)])).toEqual([
      ['hexabid-test-stop', 'cron(0 20 ? * MON,TUE,WED,THU,FRI *)', 'Asia/Kolkata', expect.stringMatching(/^arn:\$\{data\.aws_partition\..*\}:scheduler:::aws-sdk:rds:stopDBInstance$/), { DbInstanceIdentifier: 'hexabid-test' }],
      ['hexabid-test-start', 'cron(0 8 ? * MON,TUE,WED,THU,FRI *)', 'Asia/Kolkata', expect.stringMatching(/:scheduler:::aws-sdk:rds:startDBInstance$/), { DbInstanceIdentifier: 'hexabid-test' }],
    ]);
    for (const s of schedules) expect(s.flexible_time_window).toEqual({ mode: 'OFF' });
    const role = resourcesOf(stopped, 'aws_iam_role').find((r) => r.name === 'hexabid-test-rds-schedule')!;
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: ['sts:AssumeRole'], Condition: { StringEquals: { 'aws:SourceAccount': expect.any(String) } } },
    ]);
    const policy = JSON.parse(onlyResource(stopped, 'aws_iam_role_policy').policy);
    expect(policy.Statement).toEqual([{ Sid: 'StopAndStartThisInstance', Effect: 'Allow', Action: ['rds:StopDBInstance', 'rds:StartDBInstance'], Resource: expect.stringMatching(/^\$\{aws_db_instance\.Db_Primary_[A-Z0-9]+\.arn\}$/) }]);
    // Without a schedule, none of it.
    expect(resourcesOf(json, 'aws_scheduler_schedule')).toEqual([]);
  });

  it('refuses props that cannot work together, naming them', () => {
    expect(() => synthConstruct((scope) => new PostgresDatabase(scope, 'Db', { ...props, readReplicas: 1, stopSchedule: { stop: '0 20 * * 1-5', start: '0 8 * * 1-5', timeZone: 'Asia/Kolkata' } }))).toThrow(
      'PostgresDatabase hexabid-test: stopSchedule needs an instance that neither has read replicas (got 1) nor is one: RDS stops neither',
    );
    expect(() => synthConstruct((scope) => new PostgresDatabase(scope, 'Db', { ...props, readReplicas: 1, backupRetentionPeriod: 0 }))).toThrow(
      'PostgresDatabase hexabid-test: readReplicas (1) needs backupRetentionPeriod of at least 1, not 0: replicas copy from backups',
    );
    expect(() => synthConstruct((scope) => new PostgresDatabase(scope, 'Db', { ...props, subnetIds: ['subnet-a'] }))).toThrow(
      'PostgresDatabase hexabid-test: subnetIds must name at least 2 subnets in different zones (got 1)',
    );
  });
});
