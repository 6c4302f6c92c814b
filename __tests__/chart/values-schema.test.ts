import { describe, expect, it } from 'vitest';
import { template } from './helm.ts';
import { PRODUCTION_ACCOUNT } from '../../environments/account.ts';

/** Each bad value, and what the failure must say about it. */
const badValues: [string, string[], RegExp][] = [
  ['a wrong type', ['api.replicaCount=three'], /api\.replicaCount: Invalid type\. Expected: integer, given: string/],
  ['an unknown key (a typo)', ['api.replicaCountt=2'], /api: Additional property replicaCountt is not allowed/],
  ['negative replicas', ['frontend.replicaCount=-1'], /frontend\.replicaCount: Must be greater than or equal to 0/],
  ['HPA min above max', ['api.autoscaling.minReplicas=12'], /api\.autoscaling\.minReplicas \(12\) must not exceed api\.autoscaling\.maxReplicas \(10\)/],
  ['a malformed cron schedule', ['scraper.schedule=every 6 hours'], /scraper\.schedule: Does not match pattern/],
  ['a missing image', ['worker.image.repository=null'], /worker\.image: repository is required/],
  ['an ingress path to an unknown backend', ['ingress.hosts[0].paths[0].backend=admin'], /ingress\.hosts\.0\.paths\.0\.backend: ingress\.hosts\.0\.paths\.0\.backend must be one of the following: "api", "frontend"/],
  ['privilege escalation', ['containerSecurityContext.allowPrivilegeEscalation=true'], /containerSecurityContext\.allowPrivilegeEscalation: .*false/],
  ['a TLS policy older than TLS 1.3', ['ingress.alb.sslPolicy=ELBSecurityPolicy-2016-08'], /ingress\.alb\.sslPolicy: Does not match pattern '\^ELBSecurityPolicy-TLS13-'/],
  ['a CPU target over 100%', ['worker.autoscaling.targetCPUUtilizationPercentage=180'], /worker\.autoscaling\.targetCPUUtilizationPercentage: Must be less than or equal to 100/],
  ['a secretKeyRef without a key', ['env.EMERGENT_LLM_KEY.secretKeyRef.key=null'], /env\.EMERGENT_LLM_KEY\.secretKeyRef\.key: Invalid type/],
  ['a malformed certificate ARN', ['ingress.alb.certificateArn=my-cert'], /ingress\.alb\.certificateArn: Does not match pattern/],
];

describe('values validation', () => {
  it.each(badValues)('rejects %s with a message naming the field', async (_what, sets, message) => {
    const result = await template('production', sets);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('accepts the shipped values with Terraform-style overrides', async () => {
    const result = await template('production', [
      'global.imageTag=1.4.2',
      'database.host=hexabid-production.abc123.ap-south-1.rds.amazonaws.com',
      `ingress.alb.certificateArn=arn:aws:acm:ap-south-1:${PRODUCTION_ACCOUNT.accountId}:certificate/0d7a1c5e-1b2c-4d3e-8f90-123456789abc`,
      `ingress.alb.wafAclArn=arn:aws:wafv2:ap-south-1:${PRODUCTION_ACCOUNT.accountId}:regional/webacl/hexabid-production/1a2b3c4d`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
