import { describe, expect, it } from 'vitest';
import { CHART_ENVIRONMENTS, podSpecOf, render, template } from './helm.ts';

const IAM = ['redis.host=cache.internal', 'redis.auth.type=iam', 'redis.auth.user=hexabid-test-cache-app', 'redis.auth.replicationGroupId=hexabid-test-cache'];

describe.each(CHART_ENVIRONMENTS)('cache sign-in in %s', (env) => {
  it('with IAM: no cache secret at all; the pods get the user, the signing host and region, and a URL without a password', async () => {
    const { objects } = await render(env, IAM);
    expect(objects.filter((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'hexabid-redis-secret')).toEqual([]);
    const configs = objects.filter((o) => o.kind === 'ConfigMap' && (o as unknown as { data?: Record<string, string> }).data?.REDIS_SIGNING !== undefined);
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) {
      expect((config as unknown as { data: Record<string, string> }).data).toMatchObject({
        REDIS_SIGNING: 'iam',
        REDIS_URL: 'rediss://cache.internal:6379',
        REDIS_USER: 'hexabid-test-cache-app',
        REDIS_IAM_REPLICATION_GROUP_ID: 'hexabid-test-cache',
        REDIS_IAM_REGION: 'ap-south-1',
      });
    }
    for (const workload of objects.filter((o) => ['Deployment', 'CronJob'].includes(o.kind))) {
      const env = podSpecOf(workload).spec.containers[0].env ?? [];
      expect(env.filter((v: { name: string }) => v.name === 'REDIS_URL'), workload.metadata.name).toEqual([]);
    }
  });

  it('refuses IAM sign-in without the user it signs in as', async () => {
    const result = await template(env, ['redis.auth.type=iam', 'redis.auth.replicationGroupId=hexabid-test-cache']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/redis\.auth\.user|redis\/auth\/user|minLength/);
  });
});
