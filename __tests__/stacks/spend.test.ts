import { describe, expect, it } from 'vitest';
import { accountOf, ACCOUNTS } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { resourcesOf, synthBootstrap, synthEnvironment, synthStandby, type TfJson } from '../helpers/synth.ts';
import { byRef, serviceMay } from './resource-policies.ts';

/**
 * Real spend, watched in AWS: a budget per environment at its
 * `budgetUsdPerMonth`, whose actual and forecast notifications reach the
 * environment's receivers, and Cost Anomaly Detection for the account.
 * `budgetUsdPerMonth` alone only checks `npm run cost`'s estimate in CI.
 */

/** The stack of an environment that is always applied: a standby's always-on stack, else its infrastructure stack. */
const alwaysOn = (e: (typeof ENVIRONMENTS)[number]): TfJson => (e.standbyFor ? synthStandby(e).json : synthEnvironment(e).json);
const lookups = (text: string, accountId: string) => text.replace(/\$\{data\.aws_caller_identity\.[^}]+\}/g, accountId).replace(/\$\{data\.aws_partition\.[^}]+\}/g, 'aws');

/** Whether AWS Budgets (or Cost Anomaly Detection) of this account may publish to a topic and use its key. */
function admits(json: TfJson, topicRef: string, service: string, sourceArn: string, accountId: string): boolean {
  const topic = byRef(json, topicRef)!;
  const policy = resourcesOf(json, 'aws_sns_topic_policy').find((p) => p.arn === `\${aws_sns_topic.${topic.id}.arn}`)!;
  const context = { 'aws:SourceAccount': accountId, 'aws:SourceArn': sourceArn };
  const key = byRef(json, topic.body.kms_master_key_id)!;
  return (
    serviceMay(lookups(policy.policy, accountId), service, 'sns:Publish', context) &&
    serviceMay(lookups(key.body.policy, accountId), service, 'kms:GenerateDataKey', context) &&
    serviceMay(lookups(key.body.policy, accountId), service, 'kms:Decrypt', context)
  );
}

describe('spend', () => {
  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('%s: an AWS budget of budgetUsdPerMonth on its own costs, whose actual and forecast alerts reach its receivers', (_name, environment) => {
    const json = alwaysOn(environment);
    const [budget, ...others] = resourcesOf(json, 'aws_budgets_budget');
    expect(others).toEqual([]);
    expect(budget).toMatchObject({ name: `hexabid-${environment.name}`, budget_type: 'COST', limit_amount: String(environment.budgetUsdPerMonth), limit_unit: 'USD', time_unit: 'MONTHLY' });
    // Its costs are those tagged with its name: the provider tags every resource `environment = <name>`.
    expect(budget.cost_filter).toEqual([{ name: 'TagKeyValue', values: [`user:environment$${environment.name}`] }]);
    expect(json.provider.aws![0].default_tags[0].tags.environment).toBe(environment.name);
    const kinds = budget.notification.map((n: { notification_type: string }) => n.notification_type);
    expect(kinds).toContain('ACTUAL');
    expect(kinds).toContain('FORECASTED');
    const { accountId } = accountOf(environment);
    const budgetArn = `arn:aws:budgets::${accountId}:budget/${budget.name}`;
    for (const notification of budget.notification) {
      expect(notification.subscriber_sns_topic_arns.length).toBeGreaterThan(0);
      for (const topic of notification.subscriber_sns_topic_arns) {
        expect(byRef(json, topic)?.body.name, topic).toMatch(new RegExp(`^hexabid-${environment.name}-alerts-(critical|warning)$`));
        expect(admits(json, topic, 'budgets.amazonaws.com', budgetArn, accountId), `${budget.name} → ${topic}`).toBe(true);
      }
    }
  });

  it.each(ACCOUNTS)('$name: activates the environment tag for cost allocation, which the budgets filter on, after the first bootstrap apply', (account) => {
    expect(resourcesOf(synthBootstrap(account).json, 'aws_ce_cost_allocation_tag')).toEqual([expect.objectContaining({ tag_key: 'environment', status: 'Active' })]);
    // AWS offers a tag for activation only about a day after its first use: the first apply, with local state, leaves it.
    expect(resourcesOf(synthBootstrap(account, { localState: true }).json, 'aws_ce_cost_allocation_tag')).toEqual([]);
  });

  it.each(ACCOUNTS)("$name: watches the account's spend for anomalies, and tells its production environment's receivers at once (the last environment's where it has none)", (account) => {
    const bootstrap = synthBootstrap(account).json;
    const [monitor] = resourcesOf(bootstrap, 'aws_ce_anomaly_monitor');
    expect(monitor).toMatchObject({ monitor_type: 'DIMENSIONAL', monitor_dimension: 'SERVICE' });
    const [subscription] = resourcesOf(bootstrap, 'aws_ce_anomaly_subscription');
    expect(subscription.frequency).toBe('IMMEDIATE');
    expect(subscription.monitor_arn_list).toEqual([`\${aws_ce_anomaly_monitor.${Object.keys(bootstrap.resource.aws_ce_anomaly_monitor!)[0]}.arn}`]);
    const [subscriber] = subscription.subscriber;
    expect(subscriber.type).toBe('SNS');
    // The topic is named: the bootstrap reads no environment's state.
    const own = ENVIRONMENTS.filter((e) => e.accountId === account.accountId && !e.standbyFor);
    const watcher = own.find((e) => e.isProduction) ?? own.at(-1)!;
    const infra = synthEnvironment(watcher).json;
    const [topicId, topic] = Object.entries(infra.resource.aws_sns_topic!).find(([, t]) => subscriber.address === `arn:aws:sns:${watcher.region}:${account.accountId}:${t.name}`)!;
    expect(topic.name).toBe(`hexabid-${watcher.name}-alerts-warning`);
    expect(admits(infra, `\${aws_sns_topic.${topicId}.arn}`, 'costalerts.amazonaws.com', `arn:aws:ce::${account.accountId}:anomalysubscription/x`, account.accountId)).toBe(true);
  });
});
