import { describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../../modules/invalid-props-error.ts';
import { PodIdentityRole, type PodIdentityRoleProps } from '../../../modules/identity/pod-identity-role.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const props: PodIdentityRoleProps = {
  clusterName: 'hexabid-test',
  roleName: 'hexabid-test-app',
  serviceAccounts: [{ namespace: 'hexabid-test', name: 'api' }, { namespace: 'hexabid-test', name: 'worker' }],
  statements: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' }],
};

describe('PodIdentityRole', () => {
  it('is assumable only by Pod Identity, for this account, cluster, namespace and service accounts', () => {
    const json = synthConstruct((scope) => new PodIdentityRole(scope, 'Role', props));
    const [trust, ...others] = parsePolicy(onlyResource(json, 'aws_iam_role').assume_role_policy).Statement;
    expect(others).toEqual([]);
    expect(trust).toMatchObject({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] });
    expect(trust!.Condition.StringEquals).toEqual({
      'aws:SourceAccount': expect.stringContaining('aws_caller_identity'),
      'aws:RequestTag/eks-cluster-name': 'hexabid-test',
      'aws:RequestTag/kubernetes-namespace': ['hexabid-test'],
      'aws:RequestTag/kubernetes-service-account': ['api', 'worker'],
    });
  });

  it('carries exactly the given statements and associates every service account', () => {
    const json = synthConstruct((scope) => new PodIdentityRole(scope, 'Role', props));
    expect(parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement).toEqual(props.statements);
    expect(resourcesOf(json, 'aws_eks_pod_identity_association').map((a) => [a.cluster_name, a.namespace, a.service_account])).toEqual([
      ['hexabid-test', 'hexabid-test', 'api'],
      ['hexabid-test', 'hexabid-test', 'worker'],
    ]);
  });

  it('refuses a write action on every resource, naming it', () => {
    const build = () =>
      synthConstruct((scope) => new PodIdentityRole(scope, 'Role', { ...props, statements: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }] }));
    expect(build).toThrow(InvalidPropsError);
    expect(build).toThrow('PodIdentityRole Role: statements allow write actions on every resource ("*"): s3:PutObject; name the resources instead');
  });

  it('allows read-only actions on every resource', () => {
    const json = synthConstruct((scope) => new PodIdentityRole(scope, 'Role', { ...props, statements: [{ Effect: 'Allow', Action: ['ec2:DescribeVpcs', 'acm:ListCertificates'], Resource: '*' }] }));
    expect(resourcesOf(json, 'aws_iam_role_policy')).toHaveLength(1);
  });

  it('refuses service accounts in more than one namespace, and none at all', () => {
    expect(() =>
      synthConstruct((scope) => new PodIdentityRole(scope, 'Role', { ...props, serviceAccounts: [{ namespace: 'a', name: 'x' }, { namespace: 'b', name: 'y' }] })),
    ).toThrow('serviceAccounts must share one namespace (got a, b)');
    expect(() => synthConstruct((scope) => new PodIdentityRole(scope, 'Role', { ...props, serviceAccounts: [] }))).toThrow('serviceAccounts must name at least one');
  });
});
