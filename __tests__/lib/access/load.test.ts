import { describe, expect, it } from 'vitest';
import { AccessModelLoadError, awsManagedPolicy, loadAccessModel, MissingManagedPolicyError, storedAwsManagedPolicies } from '../../../lib/access/index.ts';
import { ACCOUNT, doc, role, roleArn, tinyStack } from './tiny-stack.ts';

function loadError(fn: () => unknown): AccessModelLoadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AccessModelLoadError) return error;
    throw error;
  }
  throw new Error('the load did not fail');
}

describe('strict loading: every reference resolves or the load fails', () => {
  it('names the stack, the resource, the field and the expression of a reference to nothing', () => {
    const error = loadError(() => loadAccessModel([
      tinyStack('stack-a', { aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.Missing.arn}/*' }]]) } }),
    ]));
    expect(error.stack).toBe('stack-a');
    expect(error.message).toMatch(/^stack-a aws_iam_role\.R inline_policy: cannot resolve: aws_s3_bucket\.Missing does not exist in stack-a in \$\{aws_s3_bucket\.Missing\.arn\}/);
  });

  it('fails on a Deny whose reference does not resolve: a "cannot" never passes because a reference went unread', () => {
    const error = loadError(() => loadAccessModel([
      tinyStack('s', {
        aws_s3_bucket: { B: { bucket: 'b' } },
        aws_s3_bucket_policy: { P: { bucket: '${aws_s3_bucket.B.id}', policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': '${aws_iam_role.Gone.arn}' } } }) } },
      }),
    ]));
    expect(error.message).toMatch(/s aws_s3_bucket_policy\.P policy: .*aws_iam_role\.Gone does not exist/);
  });

  it('fails on an expression it does not model rather than guess', () => {
    expect(() => loadAccessModel([tinyStack('s', { aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: '*', Resource: '${var.enabled ? "*" : "none"}' }]]) } })])).toThrow(/unsupported operator "\?"/);
    expect(() => loadAccessModel([tinyStack('s', { aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: '*', Resource: '${md5(aws_s3_bucket.B.arn)}' }]]) }, aws_s3_bucket: { B: { bucket: 'b' } } })])).toThrow(/md5\(\) is not modelled/);
    expect(() => loadAccessModel([tinyStack('s', { aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: '*', Resource: '${var.bucket}' }]]) } })])).toThrow(/var\.bucket has no default/);
  });

  it('fails on an attribute of a resource whose generated values are not modelled', () => {
    expect(() => loadAccessModel([
      tinyStack('s', { aws_glue_job: { J: { name: 'j' } }, aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: 'glue:*', Resource: '${aws_glue_job.J.arn}' }]]) } }),
    ])).toThrow(/s aws_iam_role\.R inline_policy: .*generated attributes of aws_glue_job are not modelled/);
  });

  it('reads another stack\'s outputs through a remote state matched by backend key, and fails when no stack has that key', () => {
    const infra = tinyStack('infra', { aws_s3_bucket: { B: { bucket: 'docs-bucket' } } }, { output: { bucket_arn: { value: '${aws_s3_bucket.B.arn}' } }, backendKey: 'infra/terraform.tfstate' });
    const app = (key: string) => tinyStack('app', {
      aws_iam_role: { R: role('app', [[{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${data.terraform_remote_state.Infra.outputs.bucket_arn}/*' }]]) },
    }, { data: { terraform_remote_state: { Infra: { backend: 's3', config: { bucket: 'state', key, region: 'ap-south-1' } } } } });
    const model = loadAccessModel([infra, app('infra/terraform.tfstate')]);
    expect(model.role('app').policies[0]!.statements[0]!.resource).toEqual(['arn:aws:s3:::docs-bucket/*']);
    expect(model.evaluate({ principal: roleArn('app'), action: 's3:GetObject', resource: 'arn:aws:s3:::docs-bucket/x' }).decision).toBe('allow');
    expect(() => loadAccessModel([infra, app('elsewhere/terraform.tfstate')])).toThrow(/no given stack has the backend key elsewhere\/terraform.tfstate/);
  });

  it('places a resource in its provider alias region and the account the provider names', () => {
    const model = loadAccessModel([
      tinyStack('s', {
        aws_kms_key: { Dr: { provider: 'aws.dr' } },
        aws_iam_role: { R: role('r', [[{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '${aws_kms_key.Dr.arn}' }]]) },
      }, { providers: [{ alias: 'dr', region: 'ap-south-2', allowed_account_ids: [ACCOUNT] }] }),
    ]);
    expect(model.role('r').policies[0]!.statements[0]!.resource![0]).toMatch(/^arn:aws:kms:ap-south-2:111111111111:key\//);
    expect(() => loadAccessModel([tinyStack('s', {}, { providers: [{ alias: 'x', region: 'ap-south-2' }] })])).toThrow(/provider\.aws\.x: the provider must name its account/);
  });

  it('an AWS-managed policy without stored documented content fails the load, never read as allow-all or deny-all', () => {
    expect(() => loadAccessModel([
      tinyStack('s', { aws_iam_role: { R: role('r') }, aws_iam_role_policy_attachment: { A: { role: '${aws_iam_role.R.name}', policy_arn: 'arn:aws:iam::aws:policy/PowerUserAccess' } } }),
    ])).toThrow(MissingManagedPolicyError);
  });

  it('stored AWS-managed policies carry their version, source and the day they were read', () => {
    const names = storedAwsManagedPolicies();
    expect(names).toContain('ReadOnlyAccess');
    for (const name of names) {
      const path = name === 'AmazonEBSCSIDriverPolicy' || name === 'AmazonRDSEnhancedMonitoringRole' ? `service-role/${name}` : name;
      const record = awsManagedPolicy(`arn:aws:iam::aws:policy/${path}`);
      expect(record.versionId).toMatch(/^v\d+$/);
      expect(record.source).toBe(`https://docs.aws.amazon.com/aws-managed-policy/latest/reference/${name}.html`);
      expect(record.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
