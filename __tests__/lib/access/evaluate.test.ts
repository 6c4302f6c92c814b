import { describe, expect, it } from 'vitest';
import { loadAccessModel } from '../../../lib/access/index.ts';
import { ACCOUNT, doc, OTHER_ACCOUNT, role, roleArn, tinyStack } from './tiny-stack.ts';

const BUCKET = 'arn:aws:s3:::tiny-bucket';

describe('policy evaluation within one account (IAM User Guide, "Policy evaluation logic")', () => {
  it('an explicit Deny anywhere overrides any Allow', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: { R: role('reader', [[{ Sid: 'Read', Effect: 'Allow', Action: 's3:*', Resource: '*' }]]) },
        aws_s3_bucket: { B: { bucket: 'tiny-bucket' } },
        aws_s3_bucket_policy: { P: { bucket: '${aws_s3_bucket.B.id}', policy: doc({ Sid: 'NoDeletes', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: '${aws_s3_bucket.B.arn}/*' }) } },
      }),
    ]);
    expect(model.evaluate({ principal: roleArn('reader'), action: 's3:GetObject', resource: `${BUCKET}/k` }).decision).toBe('allow');
    const denied = model.evaluate({ principal: roleArn('reader'), action: 's3:DeleteObject', resource: `${BUCKET}/k` });
    expect(denied.decision).toBe('explicit-deny');
    expect(denied.because.join('\n')).toMatch(/aws_s3_bucket_policy\.P .*Sid NoDeletes/);
  });

  it('nothing allowing is an implicit deny, with the reason', () => {
    const model = loadAccessModel([tinyStack('s', { aws_iam_role: { R: role('nobody') } })]);
    const d = model.evaluate({ principal: roleArn('nobody'), action: 'sqs:SendMessage', resource: `arn:aws:sqs:ap-south-1:${ACCOUNT}:q` });
    expect(d.decision).toBe('implicit-deny');
    expect(d.because[0]).toMatch(/no identity-based policy .* allows sqs:SendMessage/);
  });

  it('a permissions boundary caps identity policies ("Permissions boundaries for IAM entities")', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_policy: { Boundary: { name: 'boundary', policy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) } },
        aws_iam_role: { R: role('bounded', [[{ Effect: 'Allow', Action: '*', Resource: '*' }]], { permissions_boundary: '${aws_iam_policy.Boundary.arn}' }) },
      }),
    ]);
    expect(model.evaluate({ principal: roleArn('bounded'), action: 's3:GetObject', resource: `${BUCKET}/k`, context: { 'aws:ResourceAccount': ACCOUNT } }).decision).toBe('allow');
    const d = model.evaluate({ principal: roleArn('bounded'), action: 's3:PutObject', resource: `${BUCKET}/k`, context: { 'aws:ResourceAccount': ACCOUNT } });
    expect(d.decision).toBe('implicit-deny');
    expect(d.because.join()).toMatch(/permissions boundary/);
  });

  it('a resource policy naming the role ARN grants without an identity policy, yet within the boundary; naming the session it stands alone', () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/bounded/job`;
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_policy: { Boundary: { name: 'boundary', policy: doc({ Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: '*' }) } },
        aws_iam_role: { R: role('bounded', [], { permissions_boundary: '${aws_iam_policy.Boundary.arn}' }), Free: role('free') },
        aws_sqs_queue: { Q: { name: 'q' } },
        aws_sqs_queue_policy: {
          P: {
            queue_url: '${aws_sqs_queue.Q.url}',
            policy: doc(
              { Sid: 'ToRole', Effect: 'Allow', Principal: { AWS: [roleArn('bounded'), roleArn('free')] }, Action: 'sqs:SendMessage', Resource: '${aws_sqs_queue.Q.arn}' },
              { Sid: 'ToSession', Effect: 'Allow', Principal: { AWS: session }, Action: 'sqs:DeleteMessage', Resource: '${aws_sqs_queue.Q.arn}' },
            ),
          },
        },
      }),
    ]);
    const queue = `arn:aws:sqs:ap-south-1:${ACCOUNT}:q`;
    expect(model.evaluate({ principal: roleArn('free'), action: 'sqs:SendMessage', resource: queue }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('bounded'), action: 'sqs:SendMessage', resource: queue }).decision).toBe('implicit-deny');
    expect(model.evaluate({ principal: { session: { roleArn: roleArn('bounded'), sessionName: 'job' } }, action: 'sqs:DeleteMessage', resource: queue }).decision).toBe('allow');
    expect(model.evaluate({ principal: { session: { roleArn: roleArn('bounded'), sessionName: 'other' } }, action: 'sqs:DeleteMessage', resource: queue }).decision).toBe('implicit-deny');
  });

  it('a resource policy naming the account root only delegates to IAM', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: { Granted: role('granted', [[{ Effect: 'Allow', Action: 'es:ESHttpGet', Resource: '*' }]]), Bare: role('bare') },
        aws_opensearch_domain: {
          D: {
            domain_name: 'search',
            access_policies: doc({ Effect: 'Allow', Principal: { AWS: 'arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.me.account_id}:root' }, Action: 'es:ESHttp*', Resource: 'arn:aws:es:ap-south-1:${data.aws_caller_identity.me.account_id}:domain/search/*' }),
          },
        },
      }),
    ]);
    const path = `arn:aws:es:ap-south-1:${ACCOUNT}:domain/search/index/_search`;
    expect(model.evaluate({ principal: roleArn('granted'), action: 'es:ESHttpGet', resource: path }).decision).toBe('allow');
    const bare = model.evaluate({ principal: roleArn('bare'), action: 'es:ESHttpGet', resource: path });
    expect(bare.decision).toBe('implicit-deny');
    expect(bare.because.join()).toMatch(/only delegates to the account's IAM policies/);
  });

  it('NotAction and NotResource invert their lists', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: {
          R: role('power', [[
            { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
            { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::allowed', 'arn:aws:s3:::allowed/*'] },
          ]]),
        },
      }),
    ]);
    const ctx = { 'aws:ResourceAccount': ACCOUNT };
    expect(model.evaluate({ principal: roleArn('power'), action: 'ec2:RunInstances', resource: '*', context: ctx }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('power'), action: 'iam:CreateRole', resource: roleArn('x') }).decision).toBe('implicit-deny');
    expect(model.evaluate({ principal: roleArn('power'), action: 's3:GetObject', resource: 'arn:aws:s3:::allowed/k', context: ctx }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('power'), action: 's3:GetObject', resource: 'arn:aws:s3:::other/k', context: ctx }).decision).toBe('explicit-deny');
  });

  it('NotPrincipal excludes only what it names exactly: a role ARN does not exclude the role sessions (IAM User Guide, "NotPrincipal")', () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/keeper/ops`;
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: { R: role('keeper', [[{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]]) },
        aws_s3_bucket: { B: { bucket: 'tiny-bucket' } },
        aws_s3_bucket_policy: {
          P: {
            bucket: '${aws_s3_bucket.B.id}',
            policy: doc({ Sid: 'OnlyTheOpsSession', Effect: 'Deny', NotPrincipal: { AWS: [roleArn('keeper'), session] }, Action: 's3:DeleteBucket', Resource: '${aws_s3_bucket.B.arn}' }),
          },
        },
      }),
    ]);
    expect(model.evaluate({ principal: { session: { roleArn: roleArn('keeper'), sessionName: 'ops' } }, action: 's3:DeleteBucket', resource: BUCKET }).decision).toBe('allow');
    expect(model.evaluate({ principal: { session: { roleArn: roleArn('keeper'), sessionName: 'ci' } }, action: 's3:DeleteBucket', resource: BUCKET }).decision).toBe('explicit-deny');
  });

  it('a resource policy to "*" with an aws:PrincipalArn condition grants to that principal only', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: { A: role('a'), B: role('b') },
        aws_sqs_queue: { Q: { name: 'q' } },
        aws_sqs_queue_policy: {
          P: { queue_url: '${aws_sqs_queue.Q.url}', policy: doc({ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '${aws_sqs_queue.Q.arn}', Condition: { ArnEquals: { 'aws:PrincipalArn': '${aws_iam_role.A.arn}' } } }) },
        },
      }),
    ]);
    const queue = `arn:aws:sqs:ap-south-1:${ACCOUNT}:q`;
    expect(model.evaluate({ principal: roleArn('a'), action: 'sqs:SendMessage', resource: queue }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('b'), action: 'sqs:SendMessage', resource: queue }).decision).toBe('implicit-deny');
  });

  it('action names match case-insensitively with wildcards ("IAM JSON policy elements: Action")', () => {
    const model = loadAccessModel([tinyStack('s', { aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: 'Secretsmanager:get*', Resource: '*' }]]) } })]);
    const secret = `arn:aws:secretsmanager:ap-south-1:${ACCOUNT}:secret:x-AbCdEf`;
    expect(model.evaluate({ principal: roleArn('r'), action: 'secretsmanager:GetSecretValue', resource: secret }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('r'), action: 'secretsmanager:PutSecretValue', resource: secret }).decision).toBe('implicit-deny');
  });
});

describe('secret ARNs carry six characters after the name (Secrets Manager User Guide, "Secret ARN")', () => {
  const stacks = () => [
    tinyStack('s', {
      aws_secretsmanager_secret: { S: { name: 'app/db' } },
      aws_iam_role: {
        Exact: role('exact', [[{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:ap-south-1:${data.aws_caller_identity.me.account_id}:secret:app/db' }]]),
        Suffix: role('suffix', [[{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:ap-south-1:${data.aws_caller_identity.me.account_id}:secret:app/db-??????' }]]),
        Ref: role('ref', [[{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '${aws_secretsmanager_secret.S.arn}' }]]),
      },
    }),
  ];

  it('a policy naming the secret without -?????? or -* matches nothing', () => {
    const model = loadAccessModel(stacks());
    const secret = model.findResources((r) => r.type === 'aws_secretsmanager_secret')[0]!;
    expect(secret.arn).toMatch(/^arn:aws:secretsmanager:ap-south-1:111111111111:secret:app\/db-[A-Za-z0-9]{6}$/);
    expect(model.evaluate({ principal: roleArn('exact'), action: 'secretsmanager:GetSecretValue', resource: secret.arn }).decision).toBe('implicit-deny');
    expect(model.evaluate({ principal: roleArn('suffix'), action: 'secretsmanager:GetSecretValue', resource: secret.arn }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('ref'), action: 'secretsmanager:GetSecretValue', resource: secret.arn }).decision).toBe('allow');
  });
});

describe('KMS: the key policy decides (KMS Developer Guide, "Key policies in AWS KMS", "Default key policy")', () => {
  const stacks = () => [
    tinyStack('s', {
      aws_iam_role: {
        User: role('user', [[{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.ap-south-1.amazonaws.com' } } }]]),
        Direct: role('direct'),
      },
      aws_kms_key: {
        Delegating: { policy: doc({ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::${data.aws_caller_identity.me.account_id}:root' }, Action: 'kms:*', Resource: '*' }) },
        Closed: { policy: doc({ Sid: 'OnlyDirect', Effect: 'Allow', Principal: { AWS: '${aws_iam_role.Direct.arn}' }, Action: 'kms:Decrypt', Resource: '*' }) },
        Default: {},
      },
    }),
  ];

  it('IAM policies count when the key policy allows the account root, with their conditions', () => {
    const model = loadAccessModel(stacks());
    const key = model.findResources((r) => r.address === 'aws_kms_key.Delegating')[0]!.arn;
    expect(key).toMatch(/^arn:aws:kms:ap-south-1:111111111111:key\/[0-9a-f-]{36}$/);
    expect(model.evaluate({ principal: roleArn('user'), action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': 's3.ap-south-1.amazonaws.com' } }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('user'), action: 'kms:Decrypt', resource: key }).decision).toBe('implicit-deny');
  });

  it('without the root in the key policy an IAM allow is not enough; a principal the key policy names needs no IAM policy', () => {
    const model = loadAccessModel(stacks());
    const key = model.findResources((r) => r.address === 'aws_kms_key.Closed')[0]!.arn;
    const d = model.evaluate({ principal: roleArn('user'), action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': 's3.ap-south-1.amazonaws.com' } });
    expect(d.decision).toBe('implicit-deny');
    expect(d.because[0]).toMatch(/key policy .* neither allows .* nor delegates/);
    expect(model.evaluate({ principal: roleArn('direct'), action: 'kms:Decrypt', resource: key }).decision).toBe('allow');
  });

  it('a key without a policy gets the documented default (the account through IAM)', () => {
    const model = loadAccessModel(stacks());
    const key = model.findResources((r) => r.address === 'aws_kms_key.Default')[0]!.arn;
    expect(model.evaluate({ principal: roleArn('user'), action: 'kms:Decrypt', resource: key, context: { 'kms:ViaService': 's3.ap-south-1.amazonaws.com' } }).decision).toBe('allow');
  });
});

describe('cross-account requests need both sides (IAM User Guide, "Cross-account policy evaluation logic")', () => {
  const stacks = () => [
    tinyStack('owner', {
      aws_sns_topic: { T: { name: 'topic' } },
      aws_sns_topic_policy: {
        P: { arn: '${aws_sns_topic.T.arn}', policy: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'sns:Publish', Resource: '${aws_sns_topic.T.arn}' }) },
      },
    }),
    tinyStack('caller', {
      aws_iam_role: {
        Publisher: role('publisher', [[{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]], { assume_role_policy: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) }),
        Silent: role('silent', [], { assume_role_policy: doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) }),
      },
    }, { account: OTHER_ACCOUNT }),
  ];
  const topic = `arn:aws:sns:ap-south-1:${ACCOUNT}:topic`;

  it('allowed when the caller identity policy and the topic policy both allow', () => {
    const model = loadAccessModel(stacks());
    expect(model.evaluate({ principal: roleArn('publisher', OTHER_ACCOUNT), action: 'sns:Publish', resource: topic }).decision).toBe('allow');
  });

  it('denied when the identity side is missing, although the topic policy names the account', () => {
    const model = loadAccessModel(stacks());
    const d = model.evaluate({ principal: roleArn('silent', OTHER_ACCOUNT), action: 'sns:Publish', resource: topic });
    expect(d.decision).toBe('implicit-deny');
    expect(d.because[0]).toMatch(/cross-account: no identity-based policy/);
  });

  it('denied when the resource side is missing', () => {
    const model = loadAccessModel(stacks());
    const d = model.evaluate({ principal: roleArn('publisher', OTHER_ACCOUNT), action: 'sns:Publish', resource: `arn:aws:sns:ap-south-1:${ACCOUNT}:unknown-topic` });
    expect(d.decision).toBe('implicit-deny');
    expect(d.because.join()).toMatch(/cross-account: no resource-based policy/);
  });
});

describe('role trust (IAM User Guide, "Policy evaluation logic": role trust policies must allow)', () => {
  const stacks = () => [
    tinyStack('s', {
      aws_iam_role: {
        Target: role('target'),
        Named: role('named', [], { assume_role_policy: doc({ Effect: 'Allow', Principal: { AWS: roleArn('caller-without-policy') }, Action: 'sts:AssumeRole' }) }),
        WithPolicy: role('caller-with-policy', [[{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]]),
        WithoutPolicy: role('caller-without-policy'),
        Mfa: role('mfa-only', [], {
          assume_role_policy: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::${data.aws_caller_identity.me.account_id}:root' }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
        }),
      },
    }),
  ];

  it('a trust naming the account root needs the caller identity policy too', () => {
    const model = loadAccessModel(stacks());
    expect(model.canAssume(roleArn('caller-with-policy'), roleArn('target')).decision).toBe('allow');
    expect(model.canAssume(roleArn('caller-without-policy'), roleArn('target')).decision).toBe('implicit-deny');
  });

  it('a trust naming the caller role ARN needs no identity policy', () => {
    const model = loadAccessModel(stacks());
    expect(model.canAssume(roleArn('caller-without-policy'), roleArn('named')).decision).toBe('allow');
    expect(model.canAssume(roleArn('caller-with-policy'), roleArn('named')).decision).toBe('implicit-deny');
  });

  it('trust conditions read the caller context: MFA for a person', () => {
    const model = loadAccessModel(stacks());
    const person = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }] };
    expect(model.canAssume(person, roleArn('mfa-only')).decision).toBe('implicit-deny');
    expect(model.canAssume(person, roleArn('mfa-only'), { context: { 'aws:MultiFactorAuthPresent': true } }).decision).toBe('allow');
  });

  it('reachableRoles follows chains, and a chained session does not carry the first caller MFA', () => {
    const model = loadAccessModel(stacks());
    const person = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }] };
    const reached = model.reachableRoles(person, { context: { 'aws:MultiFactorAuthPresent': true } });
    const byArn = new Map(reached.map((r) => [r.roleArn, r.path]));
    expect(byArn.get(roleArn('caller-with-policy'))).toEqual([roleArn('caller-with-policy')]);
    expect(byArn.get(roleArn('mfa-only'))).toEqual([roleArn('mfa-only')]);
    expect(byArn.has(roleArn('named'))).toBe(true);
    expect(model.reachableRoles(roleArn('caller-with-policy')).map((r) => r.roleArn)).not.toContain(roleArn('mfa-only'));
  });
});

describe('policy variables (IAM User Guide, "IAM policy elements: Variables and tags")', () => {
  it('substitutes principal tags in Resource; a missing tag matches nothing; Terraform`s $${ escape reaches IAM as a variable', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_iam_role: {
          Tagged: role('tagged', [[{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/$${aws:PrincipalTag/team}/*' }]], { tags: { team: 'ops' } }),
          Untagged: role('untagged', [[{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/$${aws:PrincipalTag/team}/*' }]]),
        },
      }),
    ]);
    const policy = model.role('tagged').policies[0]!;
    expect(policy.statements[0]!.resource).toEqual(['arn:aws:s3:::home/${aws:PrincipalTag/team}/*']);
    const ctx = { 'aws:ResourceAccount': ACCOUNT };
    expect(model.evaluate({ principal: roleArn('tagged'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/ops/x', context: ctx }).decision).toBe('allow');
    expect(model.evaluate({ principal: roleArn('tagged'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/dev/x', context: ctx }).decision).toBe('implicit-deny');
    expect(model.evaluate({ principal: roleArn('untagged'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/ops/x', context: ctx }).decision).toBe('implicit-deny');
  });

  it('${aws:username} works for IAM users, and does not for roles', () => {
    const model = loadAccessModel([tinyStack('s', { aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/$${aws:username}/*' }]]) } })]);
    const user = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' }] }] };
    const ctx = { 'aws:ResourceAccount': ACCOUNT };
    expect(model.evaluate({ principal: user, action: 's3:GetObject', resource: 'arn:aws:s3:::home/alice/x', context: ctx }).decision).toBe('allow');
    expect(model.evaluate({ principal: user, action: 's3:GetObject', resource: 'arn:aws:s3:::home/bob/x', context: ctx }).decision).toBe('implicit-deny');
    expect(model.evaluate({ principal: roleArn('r'), action: 's3:GetObject', resource: 'arn:aws:s3:::home/r/x', context: ctx }).decision).toBe('implicit-deny');
  });
});

describe('services and workloads as callers', () => {
  const stacks = () => [
    tinyStack('s', {
      aws_sns_topic: { T: { name: 'alerts' } },
      aws_sns_topic_policy: {
        P: {
          arn: '${aws_sns_topic.T.arn}',
          policy: doc({
            Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: '${aws_sns_topic.T.arn}',
            Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.me.account_id}' }, ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:ap-south-1:${data.aws_caller_identity.me.account_id}:alarm:*' } },
          }),
        },
      },
      aws_eks_cluster: { C: { name: 'tiny', role_arn: '${aws_iam_role.App.arn}', vpc_config: { subnet_ids: [] } } },
      aws_iam_role: {
        App: role('app', [[{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/$${aws:PrincipalTag/kubernetes-namespace}/*' }]], {
          assume_role_policy: doc({
            Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.me.account_id}', 'aws:RequestTag/kubernetes-namespace': 'web', 'aws:RequestTag/kubernetes-service-account': 'api' } },
          }),
        }),
      },
      aws_eks_pod_identity_association: {
        Api: { cluster_name: '${aws_eks_cluster.C.name}', namespace: 'web', service_account: 'api', role_arn: '${aws_iam_role.App.arn}' },
        Other: { cluster_name: '${aws_eks_cluster.C.name}', namespace: 'batch', service_account: 'api', role_arn: '${aws_iam_role.App.arn}' },
      },
      aws_iam_openid_connect_provider: { Gh: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] } },
    }),
  ];

  it('CloudWatch may publish to a topic whose policy names it, with source account and ARN', () => {
    const model = loadAccessModel(stacks());
    const topic = `arn:aws:sns:ap-south-1:${ACCOUNT}:alerts`;
    const alarm = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:cloudwatch:ap-south-1:${ACCOUNT}:alarm:cpu` };
    expect(model.evaluate({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topic, context: alarm }).decision).toBe('allow');
    expect(model.evaluate({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topic, context: { ...alarm, 'aws:SourceAccount': OTHER_ACCOUNT } }).decision).toBe('implicit-deny');
    expect(model.evaluate({ principal: 'events.amazonaws.com', action: 'sns:Publish', resource: topic, context: alarm }).decision).toBe('implicit-deny');
  });

  it('EKS Pod Identity assumes the role with its session tags, which then read as principal tags', () => {
    const model = loadAccessModel(stacks());
    const api = model.workload((w) => w.name === 'tiny/web/api');
    const other = model.workload((w) => w.name === 'tiny/batch/api');
    expect(model.canAssume(api, api.roleArn).decision).toBe('allow');
    expect(model.canAssume(other, other.roleArn).decision).toBe('implicit-deny');
    const ctx = { 'aws:ResourceAccount': ACCOUNT };
    expect(model.evaluate({ principal: api, action: 's3:GetObject', resource: 'arn:aws:s3:::data/web/x', context: ctx }).decision).toBe('allow');
    expect(model.evaluate({ principal: api, action: 's3:GetObject', resource: 'arn:aws:s3:::data/batch/x', context: ctx }).decision).toBe('implicit-deny');
    expect(model.reachableRoles(api).map((r) => r.path)).toEqual([[roleArn('app')]]);
    expect(model.reachableRoles(other)).toEqual([]);
  });

  it('GitHub Actions assume a role through the account OIDC provider; a wrong audience is refused by STS', () => {
    const model = loadAccessModel([
      ...stacks(),
      tinyStack('ci', {
        aws_iam_role: {
          Ci: role('ci', [], {
            assume_role_policy: doc({
              Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:org/repo:environment:production' } },
            }),
          }),
        },
      }),
    ]);
    const job = (sub: string, aud = 'sts.amazonaws.com') => ({ webIdentity: { provider: 'token.actions.githubusercontent.com', claims: { sub, aud } } });
    expect(model.canAssume(job('repo:org/repo:environment:production'), roleArn('ci')).decision).toBe('allow');
    expect(model.canAssume(job('repo:org/repo:pull_request'), roleArn('ci')).decision).toBe('implicit-deny');
    const aud = model.canAssume(job('repo:org/repo:environment:production', 'other'), roleArn('ci'));
    expect(aud.decision).toBe('implicit-deny');
    expect(aud.because[0]).toMatch(/audience other is not a client ID/);
  });
});
