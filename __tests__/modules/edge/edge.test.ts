import { describe, expect, it } from 'vitest';
import { DnsValidatedCertificate } from '../../../modules/edge/certificate.ts';
import { DnsZone } from '../../../modules/edge/dns-zone.ts';
import { WebApplicationFirewall } from '../../../modules/edge/waf.ts';
import { onlyDataSource, onlyResource, parsePolicy, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

describe('DnsZone', () => {
  it('looks up an existing public zone by default', () => {
    const json = synthConstruct((scope) => new DnsZone(scope, 'Zone', { zoneName: 'hexabid.in' }));
    expect(onlyDataSource(json, 'aws_route53_zone')).toMatchObject({ name: 'hexabid.in', private_zone: false });
    expect(json.resource?.aws_route53_zone).toBeUndefined();
  });

  it('creates a zone and delegates it from its parent', () => {
    const json = synthConstruct((scope) => new DnsZone(scope, 'Zone', { zoneName: 'dev.hexabid.in', create: true, parentZoneName: 'hexabid.in' }));
    expect(onlyResource(json, 'aws_route53_zone').name).toBe('dev.hexabid.in');
    expect(onlyDataSource(json, 'aws_route53_zone').name).toBe('hexabid.in');
    expect(onlyResource(json, 'aws_route53_record')).toMatchObject({ type: 'NS', name: 'dev.hexabid.in', records: expect.stringContaining('name_servers') });
  });
});

describe('DnsValidatedCertificate', () => {
  it('covers the domain and its wildcard, validates by DNS and hands out the ARN only once issued', () => {
    const json = synthConstruct((scope) => new DnsValidatedCertificate(scope, 'Cert', { domainName: 'hexabid.in', hostedZoneId: 'Z123' }));
    expect(onlyResource(json, 'aws_acm_certificate')).toMatchObject({
      domain_name: 'hexabid.in',
      subject_alternative_names: ['*.hexabid.in'],
      validation_method: 'DNS',
      key_algorithm: 'EC_prime256v1',
      lifecycle: { create_before_destroy: true },
    });
    expect(onlyResource(json, 'aws_route53_record')).toMatchObject({ zone_id: 'Z123', allow_overwrite: true, for_each: expect.stringContaining('domain_validation_options') });
    expect(onlyResource(json, 'aws_acm_certificate_validation').validation_record_fqdns).toMatch(/for key, val in aws_route53_record\.\w+: val\.fqdn/);
  });
});

describe('WebApplicationFirewall', () => {
  const build = (rateLimit = 100) => synthConstruct((scope) => new WebApplicationFirewall(scope, 'Waf', { name: 'hexabid-test', rateLimit }));

  it('blocks a client IP over the rate limit before any managed rule runs', () => {
    const [rate] = onlyResource(build(), 'aws_wafv2_web_acl').rule;
    expect(rate).toMatchObject({ priority: 0, action: { block: {} }, statement: { rate_based_statement: { limit: 100, aggregate_key_type: 'IP', evaluation_window_sec: 300 } } });
  });

  it('only counts oversized bodies in the core rule set, so document uploads pass', () => {
    const rules = onlyResource(build(), 'aws_wafv2_web_acl').rule;
    const core = rules.find((r: any) => r.name === 'AWSManagedRulesCommonRuleSet');
    expect(core.statement.managed_rule_group_statement.rule_action_override).toEqual([{ name: 'SizeRestrictions_BODY', action_to_use: { count: {} } }]);
    expect(core.override_action).toEqual({ none: {} });
  });

  it('logs to an aws-waf-logs- group with credentials redacted', () => {
    const json = build();
    expect(onlyResource(json, 'aws_cloudwatch_log_group')).toMatchObject({ name: 'aws-waf-logs-hexabid-test', retention_in_days: 90 });
    expect(onlyResource(json, 'aws_wafv2_web_acl_logging_configuration').redacted_fields.map((f: any) => f.single_header.name)).toEqual(['authorization', 'cookie']);
  });

  it('encrypts its log group with its own key, which CloudWatch Logs may use for that group only', () => {
    const json = build();
    const keyKey = Object.keys(json.resource.aws_kms_key!)[0]!;
    expect(onlyResource(json, 'aws_cloudwatch_log_group').kms_key_id).toBe(`\${aws_kms_key.${keyKey}.arn}`);
    const logsGrant = parsePolicy(onlyResource(json, 'aws_kms_key').policy).Statement.find((s) => s.Sid === 'CloudWatchLogsEncryptsOwnLogGroups')!;
    expect(logsGrant.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn']).toMatch(/:log-group:aws-waf-logs-hexabid-test\*$/);
    expect(onlyResource(json, 'aws_kms_alias').name).toBe('alias/hexabid-test-waf-logs');
  });

  it('refuses a rate limit WAF would refuse', () => {
    expect(() => build(5)).toThrow('WebApplicationFirewall Waf: rateLimit must be a whole number of at least 10 (got 5)');
    expect(resourcesOf(build(10), 'aws_wafv2_web_acl')).toHaveLength(1);
  });
});
