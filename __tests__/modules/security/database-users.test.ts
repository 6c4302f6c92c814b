import { TerraformOutput } from 'cdktf';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_ROLE_NAMES,
  DatabaseUsers,
  type DatabaseUsersProps,
  POSTGRES_ROTATION_APPLICATIONS,
} from '../../../modules/security/database-users.ts';
import { onlyResource, resourcesOf, synthConstruct, type TfJson } from '../../helpers/synth.ts';

const KEY = 'arn:aws:kms:ap-south-1:123456789012:key/db';
const MASTER = 'arn:aws:secretsmanager:ap-south-1:123456789012:secret:hexabid/test/database/master-AbCdEf';
const PROPS: DatabaseUsersProps = {
  secretPrefix: 'hexabid/test',
  namePrefix: 'hexabid-test',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-private-a', 'subnet-private-b'],
  dbInstanceAddress: 'hexabid-test.abc.ap-south-1.rds.amazonaws.com',
  dbName: 'hexabid',
  databaseSecurityGroupId: 'sg-database',
  kmsKeyArn: KEY,
  masterSecretArn: MASTER,
  rotationDays: 17,
};

/** Synthesizes the construct, with its attributes as outputs so their references resolve. */
function synth(props: Partial<DatabaseUsersProps> = {}): { json: TfJson; users: DatabaseUsers; attributes: Record<string, unknown> } {
  let users: DatabaseUsers | undefined;
  const json = synthConstruct((scope) => {
    const u = new DatabaseUsers(scope, 'Users', { ...PROPS, ...props });
    users = u;
    const attributes = {
      secretArns: u.secretArns,
      secretNames: u.secretNames,
      rotationSecurityGroupId: u.rotationSecurityGroupId,
      rotationFunctionArns: u.rotationFunctionArns,
      endpointId: u.endpointId,
      endpointSecurityGroupId: u.endpointSecurityGroupId,
    };
    for (const [name, value] of Object.entries(attributes)) new TerraformOutput(scope, name, { value });
  });
  const attributes = Object.fromEntries(Object.entries(json.output ?? {}).map(([name, output]) => [name, output.value]));
  return { json, users: users!, attributes };
}

/** `${aws_type.Name.attr}` → `aws_type.Name`. */
const address = (reference: string) => reference.replace(/^\$\{/, '').replace(/\.[a-z_]+(\[.*\])?\}$/, '');
const resourceAddress = (json: TfJson, type: string, predicate: (r: Record<string, any>) => boolean): string => {
  const entry = Object.entries(json.resource[type] ?? {}).find(([, r]) => predicate(r));
  if (!entry) throw new Error(`no ${type} matches`);
  return `${type}.${entry[0]}`;
};

describe('DatabaseUsers', () => {
  const { json, users, attributes } = synth();
  const secrets = resourcesOf(json, 'aws_secretsmanager_secret');
  const rotations = resourcesOf(json, 'aws_secretsmanager_secret_rotation');
  const stacks = resourcesOf(json, 'aws_serverlessapplicationrepository_cloudformation_stack');
  const single = stacks.find((s) => s.application_id === POSTGRES_ROTATION_APPLICATIONS.singleUser)!;
  const multi = stacks.find((s) => s.application_id === POSTGRES_ROTATION_APPLICATIONS.multiUser)!;
  const singleAddress = resourceAddress(json, 'aws_serverlessapplicationrepository_cloudformation_stack', (s) => s === single);
  const multiAddress = resourceAddress(json, 'aws_serverlessapplicationrepository_cloudformation_stack', (s) => s === multi);
  const rotationGroup = resourceAddress(json, 'aws_security_group', (g) => g.name === 'hexabid-test-db-rotation');
  const endpointGroup = resourceAddress(json, 'aws_security_group', (g) => g.name === 'hexabid-test-secretsmanager-endpoint');
  const secretAddress = (suffix: string) => resourceAddress(json, 'aws_secretsmanager_secret', (s) => s.name === `hexabid/test/database/${suffix}`);
  const rotationOf = (secretId: string) => {
    const found = rotations.filter((r) => r.secret_id === secretId || address(r.secret_id) === secretId);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('keeps one KMS-encrypted secret per user, named <prefix>/database/<user>', () => {
    expect(secrets.map((s) => s.name).sort()).toEqual(['hexabid/test/database/app', 'hexabid/test/database/app-readonly', 'hexabid/test/database/migrator']);
    for (const secret of secrets) expect(secret).toMatchObject({ kms_key_id: KEY, recovery_window_in_days: 30 });
    const ref = (suffix: string, attribute: string) => `\${${secretAddress(suffix)}.${attribute}}`;
    expect(attributes.secretNames).toEqual({ migrator: ref('migrator', 'name'), app: ref('app', 'name'), appReadonly: ref('app-readonly', 'name') });
    expect(attributes.secretArns).toEqual({ migrator: ref('migrator', 'arn'), app: ref('app', 'arn'), appReadonly: ref('app-readonly', 'arn') });
  });

  it('writes the JSON the rotation functions read, write-only, with masterarn for the alternating users only', () => {
    const versions = resourcesOf(json, 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(3);
    const content = (suffix: string) => versions.find((v) => address(v.secret_id) === secretAddress(suffix))!.secret_string_wo as string;
    const connection = '"engine" = "postgres", "host" = "hexabid-test.abc.ap-south-1.rds.amazonaws.com", "port" = "5432", "dbname" = "hexabid"';
    expect(content('migrator')).toContain(`"username" = "hexabid_migrator", ${connection}})}`);
    expect(content('app')).toContain(`"username" = "hexabid_app", ${connection}, "masterarn" = "${MASTER}"})}`);
    expect(content('app-readonly')).toContain(`"username" = "hexabid_app_ro", ${connection}, "masterarn" = "${MASTER}"})}`);
    for (const version of versions) {
      expect(version.secret_string).toBeUndefined();
      expect(version.secret_string_wo).toMatch(/"password" = data\.aws_secretsmanager_random_password\./);
    }
  });

  it('rotates every user and the master every rotationDays, not at once (the users exist only after the bootstrap job)', () => {
    expect(rotations).toHaveLength(4);
    for (const rotation of rotations) {
      expect(rotation.rotation_rules).toEqual({ automatically_after_days: 17 });
      expect(rotation.rotate_immediately).toBe(false);
    }
    const lambda = (stack: string) => `\${${stack}.outputs["RotationLambdaARN"]}`;
    expect(rotationOf(secretAddress('migrator')).rotation_lambda_arn).toBe(lambda(singleAddress));
    expect(rotationOf(MASTER).rotation_lambda_arn).toBe(lambda(singleAddress));
    expect(rotationOf(secretAddress('app')).rotation_lambda_arn).toBe(lambda(multiAddress));
    expect(rotationOf(secretAddress('app-readonly')).rotation_lambda_arn).toBe(lambda(multiAddress));
    expect(attributes.rotationFunctionArns).toEqual({ singleUser: lambda(singleAddress), multiUser: lambda(multiAddress) });
  });

  it('turns rotation on only once the network is in place and the secret holds a value', () => {
    const user = rotationOf(secretAddress('app'));
    expect(user.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_vpc_endpoint\./),
        expect.stringMatching(/^aws_vpc_security_group_egress_rule\./),
        expect.stringMatching(/^aws_vpc_security_group_ingress_rule\./),
        expect.stringMatching(/^aws_secretsmanager_secret_version\./),
      ]),
    );
  });

  it("deploys AWS's PostgreSQL rotation applications, pinned, in the private subnets, with the keys they decrypt with", () => {
    for (const stack of [single, multi]) {
      expect(stack.semantic_version).toBe('1.1.671');
      expect(stack.capabilities).toEqual(['CAPABILITY_IAM', 'CAPABILITY_RESOURCE_POLICY']);
      expect(stack.parameters).toMatchObject({
        vpcSubnetIds: '${join(",", ["subnet-private-a", "subnet-private-b"])}',
        vpcSecurityGroupIds: `\${${rotationGroup}.id}`,
        kmsKeyArn: KEY,
        endpoint: expect.stringMatching(/^https:\/\/\$\{aws_vpc_endpoint\.[^.]+\.dns_entry\[0\]\.dns_name\}$/),
      });
    }
    expect(single.parameters.functionName).toBe('hexabid-test-db-rotation-single-user');
    expect(multi.parameters.functionName).toBe('hexabid-test-db-rotation-multi-user');
  });

  it('gives the master secret, and its key, to the alternating-users function only', () => {
    expect(multi.parameters).toMatchObject({ masterSecretArn: MASTER, masterSecretKmsKeyArn: KEY });
    expect(single.parameters.masterSecretArn).toBeUndefined();
    expect(single.parameters.masterSecretKmsKeyArn).toBeUndefined();
  });

  it('puts a Secrets Manager interface endpoint in the private subnets, behind its own group', () => {
    expect(onlyResource(json, 'aws_vpc_endpoint')).toMatchObject({
      vpc_endpoint_type: 'Interface',
      service_name: expect.stringMatching(/^com\.amazonaws\.\$\{data\.aws_region\..*\}\.secretsmanager$/),
      subnet_ids: ['subnet-private-a', 'subnet-private-b'],
      security_group_ids: [`\${${endpointGroup}.id}`],
      private_dns_enabled: false,
    });
    expect(attributes.endpointId).toMatch(/^\$\{aws_vpc_endpoint\..*\.id\}$/);
    expect(attributes.rotationSecurityGroupId).toBe(`\${${rotationGroup}.id}`);
    expect(attributes.endpointSecurityGroupId).toBe(`\${${endpointGroup}.id}`);
  });

  it('opens exactly three paths: functions -> endpoint 443, functions -> database 5432, and nothing wider', () => {
    const groups = resourcesOf(json, 'aws_security_group');
    for (const group of groups) {
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    }
    const rule = (r: Record<string, any>) => ({ on: r.security_group_id, peer: r.referenced_security_group_id, protocol: r.ip_protocol, from: r.from_port, to: r.to_port });
    const rotation = `\${${rotationGroup}.id}`;
    const endpoint = `\${${endpointGroup}.id}`;
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule').map(rule)).toEqual(
      expect.arrayContaining([
        { on: rotation, peer: endpoint, protocol: 'tcp', from: 443, to: 443 },
        { on: rotation, peer: 'sg-database', protocol: 'tcp', from: 5432, to: 5432 },
      ]),
    );
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toHaveLength(2);
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule').map(rule)).toEqual(
      expect.arrayContaining([
        { on: endpoint, peer: rotation, protocol: 'tcp', from: 443, to: 443 },
        { on: 'sg-database', peer: rotation, protocol: 'tcp', from: 5432, to: 5432 },
      ]),
    );
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toHaveLength(2);
    const text = JSON.stringify(json.resource);
    expect(text).not.toContain('0.0.0.0/0');
    expect(text).not.toContain('::/0');
    expect(text).not.toMatch(/"cidr_ipv[46]"/);
  });

  it('exposes the PostgreSQL role names', () => {
    expect(users.roleNames).toEqual({
      schema: 'hexabid',
      readwrite: 'hexabid_readwrite',
      readonly: 'hexabid_readonly',
      migrator: 'hexabid_migrator',
      app: 'hexabid_app',
      appReadonly: 'hexabid_app_ro',
    });
    expect(users.roleNames).toBe(DATABASE_ROLE_NAMES);
  });

  it('with private DNS, admits the listed clients to the endpoint and uses the regional name', () => {
    const { json: withDns } = synth({ privateDnsEnabled: true, endpointClientSecurityGroupIds: ['sg-cluster-nodes'] });
    expect(onlyResource(withDns, 'aws_vpc_endpoint').private_dns_enabled).toBe(true);
    const sources = resourcesOf(withDns, 'aws_vpc_security_group_ingress_rule')
      .filter((r) => r.from_port === 443)
      .map((r) => r.referenced_security_group_id);
    expect(sources).toEqual([expect.stringMatching(/^\$\{aws_security_group\./), 'sg-cluster-nodes']);
    for (const stack of resourcesOf(withDns, 'aws_serverlessapplicationrepository_cloudformation_stack')) {
      expect(stack.parameters.endpoint).toMatch(/^https:\/\/secretsmanager\.\$\{data\.aws_region\..*\}\.amazonaws\.com$/);
    }
  });

  it('refuses private DNS that would cut off every other Secrets Manager client in the VPC', () => {
    expect(() => synth({ privateDnsEnabled: true })).toThrow('DatabaseUsers Users: privateDnsEnabled sends every Secrets Manager client in the VPC to the endpoint, so endpointClientSecurityGroupIds');
  });

  it('rotates in a given UTC window instead, for a database stopped out of hours', () => {
    const { json: windowed } = synth({ rotationWindow: { scheduleExpression: 'cron(30 3 ? * 2#1 *)', duration: '2h' } });
    const windowedRotations = resourcesOf(windowed, 'aws_secretsmanager_secret_rotation');
    expect(windowedRotations).toHaveLength(4);
    for (const rotation of windowedRotations) expect(rotation.rotation_rules).toEqual({ schedule_expression: 'cron(30 3 ? * 2#1 *)', duration: '2h' });
  });

  it('refuses a rotation period or a name prefix it cannot use', () => {
    expect(() => synth({ rotationDays: 0 })).toThrow('DatabaseUsers Users: rotationDays must be a whole number from 1 to 1000 (got 0)');
    expect(() => synth({ namePrefix: 'a-prefix-far-too-long-for-lambda-function-names' })).toThrow('DatabaseUsers Users: namePrefix must be');
    expect(() => synth({ subnetIds: [] })).toThrow('DatabaseUsers Users: subnetIds must name at least one private subnet');
  });
});
