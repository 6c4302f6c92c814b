import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl, type Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';
import { EncryptionKey } from '../security/kms-key.ts';

/** An AWS managed rule group and the rules in it that only count instead of block. */
export interface ManagedRuleGroup {
  readonly name: string;
  /** @default [] */
  readonly countOnlyRules?: readonly string[];
}

export interface WebApplicationFirewallProps {
  /** Web ACL name; metrics and the log group are named after it. */
  readonly name: string;
  /** Requests one client IP may make per window before WAF blocks it. */
  readonly rateLimit: number;
  /**
   * The window the rate limit counts over.
   * @default 300
   */
  readonly rateLimitWindowSeconds?: 60 | 120 | 300 | 600;
  /**
   * AWS managed rule groups, evaluated in this order after the rate limit.
   * @default MANAGED_RULE_GROUP_DEFAULTS
   */
  readonly managedRuleGroups?: readonly ManagedRuleGroup[];
  /** @default 90 */
  readonly logRetentionDays?: number;
}

/**
 * The common groups. The core rule set blocks bodies over 8 KiB, which would
 * stop every document upload, so that one rule only counts.
 */
export const MANAGED_RULE_GROUP_DEFAULTS: readonly ManagedRuleGroup[] = [
  { name: 'AWSManagedRulesAmazonIpReputationList' },
  { name: 'AWSManagedRulesCommonRuleSet', countOnlyRules: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet' },
  { name: 'AWSManagedRulesSQLiRuleSet' },
];

/** Every default of {@link WebApplicationFirewallProps}, applied in one place. */
export const WAF_DEFAULTS = {
  rateLimitWindowSeconds: 300,
  managedRuleGroups: MANAGED_RULE_GROUP_DEFAULTS,
  logRetentionDays: 90,
} as const satisfies Partial<WebApplicationFirewallProps>;

/** Headers that carry credentials; never written to WAF logs. */
const REDACTED_HEADERS = ['authorization', 'cookie'];

function visibility(metricName: string): Wafv2WebAclRule['visibilityConfig'] {
  return { cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

/**
 * A regional WAFv2 web ACL for the ALB: a per-IP rate limit, then the AWS
 * managed rule groups; logs go to a KMS-encrypted CloudWatch log group with
 * credentials redacted.
 */
export class WebApplicationFirewall extends Construct {
  readonly webAclArn: string;
  readonly webAclName: string;
  /** The key that encrypts the WAF log group. */
  readonly logsKeyArn: string;

  constructor(scope: Construct, id: string, props: WebApplicationFirewallProps) {
    super(scope, id);
    const p = withDefaults(props, WAF_DEFAULTS);
    requireProps(Number.isInteger(p.rateLimit) && p.rateLimit >= 10, 'WebApplicationFirewall', id, `rateLimit must be a whole number of at least 10 (got ${p.rateLimit})`);

    // The binding types `statement` loosely, so it takes Terraform's own (snake_case) block names.
    const rateRule: Wafv2WebAclRule = {
      name: 'rate-limit-per-ip',
      priority: 0,
      action: { block: {} },
      statement: { rate_based_statement: { limit: p.rateLimit, aggregate_key_type: 'IP', evaluation_window_sec: p.rateLimitWindowSeconds } },
      visibilityConfig: visibility(`${p.name}-rate-limit`),
    };
    const managedRules: Wafv2WebAclRule[] = p.managedRuleGroups.map((group, i) => ({
      name: group.name,
      priority: i + 1,
      overrideAction: { none: {} },
      statement: {
        managed_rule_group_statement: {
          vendor_name: 'AWS',
          name: group.name,
          rule_action_override: (group.countOnlyRules ?? []).map((rule) => ({ name: rule, action_to_use: { count: {} } })),
        },
      },
      visibilityConfig: visibility(`${p.name}-${group.name}`),
    }));

    const acl = new Wafv2WebAcl(this, 'WebAcl', {
      name: p.name,
      description: `Rate limit and AWS managed rules for ${p.name}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: [rateRule, ...managedRules],
      visibilityConfig: visibility(p.name),
    });
    this.webAclArn = acl.arn;
    this.webAclName = acl.name;

    // WAF requires the aws-waf-logs- prefix.
    const logGroupName = `aws-waf-logs-${p.name}`;
    // Logged requests carry client IPs, paths and query strings: encrypted like every other log group.
    const logsKey = new EncryptionKey(this, 'LogsKey', {
      aliasName: `${p.name}-waf-logs`,
      description: `Encrypts the WAF logs of ${p.name}`,
      cloudWatchLogGroupPrefix: logGroupName,
    });
    this.logsKeyArn = logsKey.keyArn;
    const logs = new CloudwatchLogGroup(this, 'Logs', { name: logGroupName, retentionInDays: p.logRetentionDays, kmsKeyId: logsKey.keyArn });
    new Wafv2WebAclLoggingConfiguration(this, 'Logging', {
      resourceArn: acl.arn,
      logDestinationConfigs: [logs.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    });
  }
}
