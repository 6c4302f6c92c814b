import { describe, expect, it } from 'vitest';
import { EncryptionKey } from '../../../modules/security/kms-key.ts';
import { onlyResource, parsePolicy, synthConstruct } from '../../helpers/synth.ts';

describe('EncryptionKey', () => {
  it('rotates, waits 30 days before deletion, and lets only the account administer it', () => {
    const json = synthConstruct((scope) => new EncryptionKey(scope, 'Key', { aliasName: 'hexabid-test-x', description: 'test' }));
    const key = onlyResource(json, 'aws_kms_key');
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const statements = parsePolicy(key.policy).Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Principal.AWS).toMatch(/:root$/);
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/hexabid-test-x');
  });

  it('grants CloudWatch Logs use only for log groups under the given prefix', () => {
    const json = synthConstruct((scope) => new EncryptionKey(scope, 'Key', { aliasName: 'k', description: 'test', cloudWatchLogGroupPrefix: '/aws/x/' }));
    const logs = parsePolicy(onlyResource(json, 'aws_kms_key').policy).Statement[1]!;
    expect(logs.Principal.Service).toMatch(/^logs\..*\.amazonaws\.com$/);
    expect(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toMatch(/:log-group:\/aws\/x\/\*$/);
  });
});
