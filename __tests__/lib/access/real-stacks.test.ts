import { describe, expect, it } from 'vitest';
import { bootstrapConfig } from '../../../environments/bootstrap.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { productionAt } from '../../../environments/production.ts';
import { findDuplicateNames, loadAccessModel, type StackInput, validateNames } from '../../../lib/access/index.ts';
import { synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthStandby, type TfJson } from '../../helpers/synth.ts';

/** A synthesized stack, named by its state key (`<stack>/terraform.tfstate`). */
function named(json: TfJson): StackInput {
  const key = String(json.terraform['backend']?.s3?.key);
  return { stackName: key.slice(0, key.indexOf('/')), json };
}

/** Every stack of every environment, and the account's bootstrap stack. */
function allStacks(): StackInput[] {
  const stacks = [named(synthBootstrap().json)];
  for (const environment of ENVIRONMENTS) {
    stacks.push(named(synthEnvironment(environment).json));
    if (environment.standbyFor) stacks.push(named(synthStandby(environment).json));
    stacks.push(named(synthKubernetesEnvironment(environment).json));
  }
  return stacks;
}

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

  it('loads production at the 1000-tenant sizing', () => {
    const config = productionAt('scaled1000Tenants');
    const sized = loadAccessModel([named(synthBootstrap().json), named(synthEnvironment(config, 'production-1000-tenants').json), named(synthKubernetesEnvironment(config, 'production-1000-tenants').json)]);
    expect(sized.workloads.filter((w) => w.kind === 'pod-identity').length).toBeGreaterThan(0);
  });
});

/**
 * Issue 18 on today's stacks: each assertion states today's behaviour, which
 * is the bug. The fix flips it.
 */
describe('findings on the current stacks', () => {
  const model = loadAccessModel(allStacks());
  const account = bootstrapConfig(ENVIRONMENTS).account.accountId;
  const production = ENVIRONMENTS.find((e) => e.name === 'production')!;
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const secret = (name: string, region = production.region) =>
    model.findResources((r) => r.type === 'aws_secretsmanager_secret' && r.region === region && r.arn.includes(`:secret:${name}-`))[0]!.arn;

  it('item 1: hexabid-ci-plan cannot read the database master, user and Grafana admin secrets (ReadOnlyAccess has no GetSecretValue)', () => {
    for (const name of [`hexabid/${production.name}/database/master`, `hexabid/${production.name}/database/app`, `hexabid/${production.name}/grafana/admin`]) {
      expect(model.evaluate({ principal: role('hexabid-ci-plan'), action: 'secretsmanager:GetSecretValue', resource: secret(name) }).decision, name).toBe('implicit-deny');
    }
    expect(model.evaluate({ principal: role('hexabid-ci-plan'), action: 'secretsmanager:GetSecretValue', resource: secret(`hexabid/${production.name}/cache/auth`) }).decision).toBe('allow');
  });

  it('item 2: every OpenSearch master role, as its role-mapping pod, cannot call its domain (the domain policy defers to IAM, and the role has no policy)', () => {
    const pods = model.workloads.filter((w) => w.kind === 'pod-identity' && w.serviceAccount === 'opensearch-security');
    expect(pods.length).toBe(ENVIRONMENTS.length);
    for (const pod of pods) {
      expect(model.canAssume(pod, pod.roleArn).decision, pod.name).toBe('allow');
      const domain = model.findResources((r) => r.type === 'aws_opensearch_domain' && r.account === pod.account && r.region === pod.region && r.arn.endsWith(`domain/${pod.cluster}`))[0]!;
      const put = model.evaluate({ principal: pod, action: 'es:ESHttpPut', resource: `${domain.arn}/_plugins/_security/api/rolesmapping/all_access` });
      expect(put.decision, pod.name).toBe('implicit-deny');
      expect(put.because.join()).toMatch(/only delegates to the account's IAM policies/);
    }
  });

  it('item 3: hexabid-production and hexabid-production-k8s both create role hexabid-production-search-snapshots, and nothing else collides', () => {
    const stacks = allStacks();
    expect(findDuplicateNames(stacks).map((d) => `${d.kind} ${d.name}: ${d.takenBy.map((t) => t.split(' ')[0]).sort().join(' & ')}`)).toEqual([
      `IAM role hexabid-${production.name}-search-snapshots: hexabid-${production.name} & hexabid-${production.name}-k8s`,
    ]);
  });

  it('item 4: the dev apply role can read production secrets and become platform admin', () => {
    expect(model.evaluate({ principal: role('hexabid-ci-apply-dev'), action: 'secretsmanager:GetSecretValue', resource: secret(`hexabid/${production.name}/database/master`) }).decision).toBe('allow');
    expect(model.reachableRoles(role('hexabid-ci-apply-dev')).map((r) => r.roleArn)).toContain(role('hexabid-platform-admin'));
    expect(model.canAssume(role('hexabid-ci-apply-staging'), role('hexabid-platform-admin')).decision).toBe('allow');
  });

  it('item 5: a same-repository pull request becomes hexabid-ci-plan, reads production state and the Kubernetes Secrets of hexabid-system', () => {
    const pr = { webIdentity: { provider: 'token.actions.githubusercontent.com', claims: { sub: 'repo:hexabid/hexabid-infrastructure:pull_request', aud: 'sts.amazonaws.com' } } };
    expect(model.canAssume(pr, role('hexabid-ci-plan')).decision).toBe('allow');
    const stateBucket = model.findResources((r) => r.type === 'aws_s3_bucket' && r.stack === 'hexabid-bootstrap' && r.region === production.region && !r.arn.endsWith('-logs'))[0]!.arn;
    expect(model.evaluate({ principal: role('hexabid-ci-plan'), action: 's3:GetObject', resource: `${stateBucket}/hexabid-${production.name}/terraform.tfstate` }).decision).toBe('allow');
    expect(model.canKube({ principalArn: role('hexabid-ci-plan'), cluster: `hexabid-${production.name}`, verb: 'get', resource: 'secrets', namespace: 'hexabid-system' }).decision).toBe('allow');
  });

  it('item 6: developers may start a session on a node without the session document check', () => {
    const instance = `arn:aws:ec2:${production.region}:${account}:instance/i-0123456789abcdef0`;
    const d = model.evaluate({ principal: role('hexabid-developer'), action: 'ssm:StartSession', resource: instance, context: { 'ssm:resourceTag/eks:cluster-name': `hexabid-${production.name}` } });
    expect(d.decision).toBe('allow');
  });

  it('item 9: each Grafana role reads every log group in its region, another environment\'s included', () => {
    const grafana = model.workload((w) => w.kind === 'pod-identity' && w.cluster === `hexabid-${production.name}` && w.serviceAccount === 'grafana');
    const foreign = model.findResources((r) => r.type === 'aws_cloudwatch_log_group' && r.region === production.region && r.arn.includes(':log-group:/hexabid/dev/'))[0]!;
    expect(model.evaluate({ principal: grafana, action: 'logs:StartQuery', resource: foreign.arn }).decision).toBe('allow');
  });

  it('item 10: developers read Secrets and exec into pods in the production app namespace', () => {
    const cluster = `hexabid-${production.name}`;
    expect(model.canKube({ principalArn: role('hexabid-developer'), cluster, verb: 'get', resource: 'secrets', namespace: 'hexabid-prod' }).decision).toBe('allow');
    expect(model.canKube({ principalArn: role('hexabid-developer'), cluster, verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'hexabid-prod' }).decision).toBe('allow');
  });

  it('item 11: after a failover developers can neither read production-dr container logs nor tunnel in its region', () => {
    const dr = ENVIRONMENTS.find((e) => e.standbyFor)!;
    const group = model.findResources((r) => r.type === 'aws_cloudwatch_log_group' && r.region === dr.region && r.arn.includes(`:log-group:/hexabid/${dr.name}/containers/`))[0]!;
    expect(model.evaluate({ principal: role('hexabid-developer'), action: 'logs:FilterLogEvents', resource: group.arn }).decision).toBe('implicit-deny');
    const instance = `arn:aws:ec2:${dr.region}:${account}:instance/i-0123456789abcdef0`;
    expect(model.evaluate({ principal: role('hexabid-developer'), action: 'ssm:StartSession', resource: instance, context: { 'ssm:resourceTag/eks:cluster-name': `hexabid-${dr.name}` } }).decision).toBe('implicit-deny');
  });
});
