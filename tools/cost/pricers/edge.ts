/** WAF web ACLs, Route 53 hosted zones and health checks. */
import { byStackAndRegion, plural, priceLine, usageOf, type LineItem, type PricingContext } from '../line-items.ts';
import { block, bool, list, num, str, where, type TfResource } from '../resources.ts';
import { isObject } from '../stacks.ts';

/** AWS managed rule groups with a subscription and request fee of their own, which the table does not price. */
const PAID_MANAGED_RULE_GROUPS = ['AWSManagedRulesBotControlRuleSet', 'AWSManagedRulesATPRuleSet', 'AWSManagedRulesACFPRuleSet', 'AWSManagedRulesAntiDDoSRuleSet'];

/** A web ACL costs a month, each rule (a rule group counts as one) a month, and requests by the million. */
export function priceWebAcls(acls: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return acls.flatMap((acl) => {
    const name = str(acl.attrs, 'name') ?? acl.name;
    const rules = list(acl.attrs, 'rule').filter(isObject);
    const groups = rules.flatMap((r) => {
      const managed = block(block(r, 'statement') ?? {}, 'managed_rule_group_statement');
      return managed ? [str(managed, 'name') ?? '?'] : [];
    });
    for (const paid of groups.filter((g) => PAID_MANAGED_RULE_GROUPS.includes(g))) ctx.warn(`${where(acl)}: ${paid} has its own subscription and request fees, not priced`);
    const requests = usageOf(ctx, acl, 'monthly_requests');
    const facts = { rules: rules.length, managedRuleGroups: groups.length };
    return [
      priceLine(ctx, { component: `WAF web ACL ${name}`, detail: '1 web ACL', category: 'edge', resources: [acl], region: acl.region, priceKey: 'waf.web-acl-month', quantity: 1, unit: 'web ACL-months', usageBased: false, facts }),
      priceLine(ctx, {
        component: `WAF web ACL ${name}: rules`,
        detail: `${plural(rules.length, 'rule')} (${groups.length} managed rule groups, each billed as one rule)`,
        category: 'edge',
        resources: [acl],
        region: acl.region,
        priceKey: 'waf.rule-month',
        quantity: rules.length,
        unit: 'rule-months',
        usageBased: false,
        facts,
      }),
      priceLine(ctx, {
        component: `WAF web ACL ${name}: requests`,
        detail: `${requests / 1e6}M requests inspected`,
        category: 'edge',
        resources: [acl],
        region: acl.region,
        priceKey: 'waf.requests-1m',
        quantity: requests / 1e6,
        unit: 'million requests',
        usageBased: true,
        facts,
      }),
    ];
  });
}

export function priceHostedZones(zones: readonly TfResource[], ctx: PricingContext): LineItem[] {
  return byStackAndRegion(zones).flatMap((group) => {
    const names = group.map((z) => str(z.attrs, 'name') ?? z.name);
    const queries = group.reduce((sum, z) => sum + usageOf(ctx, z, 'monthly_standard_queries'), 0);
    return [
      priceLine(ctx, {
        component: 'Route 53 hosted zones',
        detail: names.join(', '),
        category: 'edge',
        resources: group,
        region: group[0]!.region,
        priceKey: 'route53.hosted-zone-month',
        quantity: group.length,
        unit: 'zone-months',
        usageBased: false,
        facts: { zones: group.length },
      }),
      priceLine(ctx, {
        component: 'Route 53 hosted zones: queries',
        detail: `${queries / 1e6}M queries to ${names.join(', ')}`,
        category: 'edge',
        resources: group,
        region: group[0]!.region,
        priceKey: 'route53.queries-1m',
        quantity: queries / 1e6,
        unit: 'million queries',
        usageBased: true,
      }),
    ];
  });
}

/**
 * A health check costs a month, more for an endpoint outside AWS, plus each
 * optional feature (HTTPS, string matching, 10-second interval, latency
 * graphs). An endpoint is taken to be in AWS when its name is an alias record
 * of the environment (to a load balancer, say).
 */
export function priceHealthChecks(checks: readonly TfResource[], ctx: PricingContext): LineItem[] {
  const aliasNames = new Set(
    ctx.resources.filter((r) => r.type === 'aws_route53_record' && block(r.attrs, 'alias')).map((r) => (str(r.attrs, 'name') ?? '').replace(/\.$/, '')),
  );
  return checks.flatMap((check) => {
    const type = str(check.attrs, 'type') ?? 'HTTP';
    const fqdn = (str(check.attrs, 'fqdn') ?? '').replace(/\.$/, '');
    const aws = ['CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'].includes(type) || aliasNames.has(fqdn);
    const features = [
      ...(type.startsWith('HTTPS') ? ['HTTPS'] : []),
      ...(type.endsWith('STR_MATCH') ? ['string matching'] : []),
      ...(num(check.attrs, 'request_interval') === 10 ? ['fast interval'] : []),
      ...(bool(check.attrs, 'measure_latency') ? ['latency measurement'] : []),
    ];
    const endpoint = aws ? 'aws' : 'non-aws';
    const label = `Route 53 health check ${fqdn || check.name}`;
    if (!aws && fqdn) ctx.warn(`${where(check)}: ${fqdn} is not an alias record of the environment; priced as an endpoint outside AWS`);
    return [
      priceLine(ctx, {
        component: label,
        detail: `${type}, endpoint ${aws ? 'in AWS' : 'outside AWS'}`,
        category: 'edge',
        resources: [check],
        region: check.region,
        priceKey: `route53.health-check-month.${endpoint}`,
        quantity: 1,
        unit: 'health check-months',
        usageBased: false,
      }),
      ...(features.length > 0
        ? [
            priceLine(ctx, {
              component: `${label}: options`,
              detail: features.join(', '),
              category: 'edge',
              resources: [check],
              region: check.region,
              priceKey: `route53.health-check-feature-month.${endpoint}`,
              quantity: features.length,
              unit: 'feature-months',
              usageBased: false,
            }),
          ]
        : []),
    ];
  });
}
