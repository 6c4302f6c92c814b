import { describe, expect, it } from 'vitest';
import { AppRole } from '../../../modules/identity/app-role.ts';
import { SEARCH_HTTP_ACTIONS } from '../../../modules/elasticsearch.ts';
import { onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

describe('AppRole', () => {
  const json = synthConstruct(
    (scope) =>
      new AppRole(scope, 'App', {
        clusterName: 'hexabid-test',
        roleName: 'hexabid-test-app',
        serviceAccounts: [{ namespace: 'hexabid-test', name: 'hexabid-api' }],
        documents: { bucketArn: 'arn:aws:s3:::documents', kmsKeyArn: 'arn:aws:kms:ap-south-1:123456789012:key/abc' },
        search: { domainArn: 'arn:aws:es:ap-south-1:123456789012:domain/hexabid-test' },
      }),
  );

  it('reaches the documents bucket and its key, the search domain\'s HTTP API, and nothing else', () => {
    const statements = parsePolicy(onlyResource(json, 'aws_iam_role_policy').policy).Statement;
    expect(statements.flatMap((s) => [s.Resource].flat())).toEqual([
      'arn:aws:s3:::documents', 'arn:aws:s3:::documents/*', 'arn:aws:kms:ap-south-1:123456789012:key/abc', 'arn:aws:es:ap-south-1:123456789012:domain/hexabid-test/*',
    ]);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => !/^(s3|kms):/.test(a))).toEqual([...SEARCH_HTTP_ACTIONS]);
    expect(SEARCH_HTTP_ACTIONS.every((a) => a.startsWith('es:ESHttp'))).toBe(true);
    expect(statements[2]!.Condition.StringEquals['kms:ViaService']).toMatch(/^s3\./);
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('s3:PutBucketPolicy');
  });

  it('binds the app service accounts through Pod Identity', () => {
    expect(resourcesOf(json, 'aws_eks_pod_identity_association').map((a) => a.service_account)).toEqual(['hexabid-api']);
  });
});
