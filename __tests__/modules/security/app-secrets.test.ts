import { describe, expect, it } from 'vitest';
import { AppSecrets } from '../../../modules/security/app-secrets.ts';
import { onlyResource, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const secrets = [
  { name: 'llm', description: 'LLM key' },
  { name: 'sendgrid', description: 'SendGrid key' },
];

describe('AppSecrets', () => {
  it('creates empty containers under the prefix, encrypted with their own rotating key', () => {
    const json = synthConstruct((scope) => new AppSecrets(scope, 'Secrets', { namePrefix: 'hexabid/test', secrets }));
    expect(resourcesOf(json, 'aws_secretsmanager_secret').map((s) => [s.name, s.recovery_window_in_days])).toEqual([
      ['hexabid/test/llm', 30],
      ['hexabid/test/sendgrid', 30],
    ]);
    for (const secret of resourcesOf(json, 'aws_secretsmanager_secret')) expect(secret.kms_key_id).toMatch(/aws_kms_key\.Secrets_Key/);
    expect(onlyResource(json, 'aws_kms_key').enable_key_rotation).toBe(true);
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/hexabid-test-app-secrets');
    expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toEqual([]);
  });

  it('refuses duplicate or malformed names', () => {
    expect(() => synthConstruct((scope) => new AppSecrets(scope, 'S', { namePrefix: 'p', secrets: [secrets[0]!, secrets[0]!] }))).toThrow('secret names must be unique (got llm, llm)');
    expect(() => synthConstruct((scope) => new AppSecrets(scope, 'S', { namePrefix: 'p', secrets: [{ name: 'LLM Key', description: 'x' }] }))).toThrow('secret name "LLM Key"');
  });
});
