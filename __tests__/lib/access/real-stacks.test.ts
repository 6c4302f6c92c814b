import { describe, expect, it } from 'vitest';
import { ACCOUNTS } from '../../../environments/account.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { productionAt } from '../../../environments/production.ts';
import { findDuplicateNames, loadAccessModel, type StackInput, validateNames } from '../../../lib/access/index.ts';
import { synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthesizedStacks, type TfJson } from '../../helpers/synth.ts';

/** A synthesized stack, named by its state key (`<stack>/terraform.tfstate`). */
function named(json: TfJson): StackInput {
  const key = String(json.terraform['backend']?.s3?.key);
  return { stackName: key.slice(0, key.indexOf('/')), json };
}

/** Every stack of every environment, and the accounts' bootstrap stacks. */
const allStacks = (): StackInput[] => synthesizedStacks();

/** A policy left with a `${...}` that is not an IAM policy variable (`${aws:...}`, `${*}`) holds an unresolved reference. */
const UNRESOLVED = /\$\{(?![*?$]\})(?![A-Za-z0-9-]+:)[^}]*\}/;

describe('the access model over every stack of every environment', () => {
  const stacks = allStacks();
  const model = loadAccessModel(stacks);

  it('indexes every role, identity policy, attachment, resource policy and workload the stacks declare', () => {
    const addresses = (type: string) => stacks.flatMap((s) => Object.keys((s.json as TfJson).resource[type] ?? {}).map((name) => `${s.stackName} ${type}.${name}`));
    const indexedPolicies = new Set(model.inventory.policies.map((p) => `${p.source.stack} ${p.source.address}`));
    const roles = new Set(model.roles.filter((r) => r.origin === 'terraform').map((r) => `${r.stack} ${r.address}`));
    expect([...roles].sort()).toEqual(addresses('aws_iam_role').sort());
    for (const type of ['aws_iam_role_policy', 'aws_s3_bucket_policy', 'aws_sns_topic_policy', 'aws_sqs_queue_policy', 'aws_lambda_permission', 'aws_cloudwatch_log_resource_policy', 'aws_opensearch_domain', 'aws_kms_key', 'aws_iam_role']) {
      expect(addresses(type).filter((a) => !indexedPolicies.has(a)), type).toEqual([]);
    }
    for (const attachment of addresses('aws_iam_role_policy_attachment')) {
      const [stack, address] = attachment.split(' ');
      const json = stacks.find((s) => s.stackName === stack)!.json as TfJson;
      const policyName = String(json.resource['aws_iam_role_policy_attachment']![address!.split('.')[1]!].policy_arn).split('/').pop();
      const roleRef = String(json.resource['aws_iam_role_policy_attachment']![address!.split('.')[1]!].role);
      const roleAddress = /aws_iam_role\.([^.]+)\./.exec(roleRef)![1];
      const role = model.roles.find((r) => r.stack === stack && r.address === `aws_iam_role.${roleAddress}`)!;
      expect(role.policies.some((p) => p.source.label?.startsWith(`${policyName} v`)), attachment).toBe(true);
    }
    const workloads = new Set(model.workloads.map((w) => `${w.stack} ${w.address}`));
    for (const type of ['aws_lambda_function', 'aws_eks_pod_identity_association', 'aws_serverlessapplicationrepository_cloudformation_stack', 'aws_eks_node_group']) {
      expect(addresses(type).filter((a) => !workloads.has(a)), type).toEqual([]);
    }
    expect(model.inventory.problems).toEqual([]);
  });

  it('resolved every interpolation in every policy: only IAM policy variables are left', () => {
    const leftovers = model.inventory.policies.flatMap((p) => {
      const text = JSON.stringify(p.statements);
      return UNRESOLVED.test(text) ? [`${p.source.stack} ${p.source.address}: ${UNRESOLVED.exec(text)![0]}`] : [];
    });
    expect(leftovers).toEqual([]);
    expect(model.inventory.policies.length).toBeGreaterThan(100);
  });

  it('finds every workload its role, and every role its trust', () => {
    for (const w of model.workloads) expect(model.roles.some((r) => r.arn === w.roleArn), w.name).toBe(true);
    for (const r of model.roles) expect(r.trust.statements.length, r.arn).toBeGreaterThan(0);
  });

  it('composes a KMS-through-service read: each app pod gets its documents with s3:GetObject and kms:Decrypt via S3, and not the key directly', () => {
    const pods = model.workloads.filter((w) => w.kind === 'pod-identity' && w.serviceAccount === 'hexabid-api');
    expect(pods.length).toBe(ENVIRONMENTS.length);
    for (const pod of pods) {
      const granted = model.role(pod.roleArn).policies.flatMap((p) => p.statements).find((st) => st.sid === 'ReadWriteDocuments')!.resource![0]!;
      const bucket = model.resource(granted.replace(/\/\*$/, ''));
      expect(bucket.kmsKeyArn, pod.name).toMatch(/:key\//);
      expect(model.evaluate({ principal: pod, action: 's3:GetObject', resource: `${bucket.arn}/tenant/doc.pdf` }).decision, pod.name).toBe('allow');
      expect(model.evaluate({ principal: pod, action: 'kms:Decrypt', resource: bucket.kmsKeyArn!, context: { 'kms:ViaService': `s3.${pod.region}.amazonaws.com` } }).decision, pod.name).toBe('allow');
      expect(model.evaluate({ principal: pod, action: 'kms:Decrypt', resource: bucket.kmsKeyArn! }).decision, pod.name).toBe('implicit-deny');
    }
  });

  it('every action, condition key, operator and Resource ARN is in AWS service reference', async () => {
    const findings = await validateNames(model.inventory.policies, { oidcIssuers: model.inventory.oidcProviders.map((p) => p.issuer) });
    expect(findings).toEqual([]);
  });

  it('finds no fixed name that two stacks, or two resources, both create (in one account, region or cluster, or globally)', () => {
    expect(findDuplicateNames(stacks)).toEqual([]);
  });

  it('loads production at the 1000-tenant sizing', () => {
    const config = productionAt('scaled1000Tenants');
    const sized = loadAccessModel([...ACCOUNTS.map((a) => named(synthBootstrap(a).json)), named(synthEnvironment(config, 'production-1000-tenants').json), named(synthKubernetesEnvironment(config, 'production-1000-tenants').json)]);
    expect(sized.workloads.filter((w) => w.kind === 'pod-identity').length).toBeGreaterThan(0);
  });
});
