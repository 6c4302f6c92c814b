import { describe, expect, it } from 'vitest';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Lazy } from 'cdktf';
import { GeneratedCredential } from '../../../modules/security/generated-credential.ts';
import { onlyDataSource, onlyResource, synthConstruct } from '../../helpers/synth.ts';

describe('GeneratedCredential', () => {
  const json = synthConstruct((scope) => {
    const credential = new GeneratedCredential(scope, 'Cred', {
      secretName: 'hexabid/test/thing',
      description: 'test',
      kmsKeyArn: 'arn:aws:kms:ap-south-1:123456789012:key/abc',
      username: 'app',
      version: 3,
    });
    credential.storedPassword();
    credential.storedPassword();
  });

  it('stores the secret encrypted with the given key, recoverable for 30 days', () => {
    expect(onlyResource(json, 'aws_secretsmanager_secret')).toMatchObject({
      name: 'hexabid/test/thing',
      kms_key_id: 'arn:aws:kms:ap-south-1:123456789012:key/abc',
      recovery_window_in_days: 30,
    });
  });

  it('writes username and a generated alphanumeric password through the write-only argument, versioned', () => {
    const version = onlyResource(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(/^\$\{jsonencode\(\{"password" = data\.aws_secretsmanager_random_password\..*\.random_password, "username" = "app"\}\)\}$/);
    expect(version.secret_string_wo_version).toBe(3);
    expect(onlyDataSource(json, 'aws_secretsmanager_random_password')).toMatchObject({ password_length: 40, exclude_punctuation: true });
  });

  it('reads the stored password back through one data source, after the write', () => {
    const readBack = onlyDataSource(json, 'aws_secretsmanager_secret_version');
    expect(readBack.depends_on).toEqual([expect.stringMatching(/^aws_secretsmanager_secret_version\./)]);
  });
});

describe('GeneratedCredential extraFields', () => {
  it('stores extra fields beside username and password, including references resolved later', () => {
    const json = synthConstruct((scope) => {
      // A field may name a resource created after the credential (the database's host), through a Lazy.
      let host = '';
      new GeneratedCredential(scope, 'Cred', {
        secretName: 'hexabid/test/database/master',
        description: 'test',
        kmsKeyArn: 'arn:aws:kms:ap-south-1:123456789012:key/abc',
        username: 'admin',
        extraFields: { engine: 'postgres', host: Lazy.stringValue({ produce: () => host }), port: '5432', dbname: 'hexabid' },
      });
      host = new SecurityGroup(scope, 'Later', { name: 'later' }).id;
    });
    const written = onlyResource(json, 'aws_secretsmanager_secret_version').secret_string_wo as string;
    expect(written).toMatch(/^\$\{jsonencode\(\{"password" = data\.aws_secretsmanager_random_password\..*\.random_password, "username" = "admin", /);
    expect(written).toContain('"engine" = "postgres", "host" = aws_security_group.Later');
    expect(written).toContain('"port" = "5432", "dbname" = "hexabid"})}');
  });

  it('refuses extra fields that would replace the username or the password', () => {
    expect(() =>
      synthConstruct((scope) => new GeneratedCredential(scope, 'Cred', { secretName: 'x', description: 'x', kmsKeyArn: 'k', extraFields: { password: 'literal' } })),
    ).toThrow('GeneratedCredential Cred: extraFields must not set password');
  });
});
