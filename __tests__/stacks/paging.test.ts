import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { resourcesOf, synthEnvironment, synthKubernetesEnvironment, synthStandby, type TfJson } from '../helpers/synth.ts';
import { byRef, regionOf, serviceMay } from './resource-policies.ts';

/**
 * Who hears of what, read from the synthesized stacks of every environment:
 * the in-cluster Alertmanager's routes, the AWS-side forwarders and the
 * alarms that guard the recovery point. docs/RUNBOOK.md ("Read the page")
 * promises that critical alerts page PagerDuty in production and post to
 * Slack everywhere; both paths must keep that promise.
 */
const standby = ENVIRONMENTS.find((e) => e.standbyFor)!;

interface Route { receiver: string; matchers?: string[]; continue?: boolean }
interface Receiver { name: string; pagerduty_configs?: unknown[]; slack_configs?: unknown[]; sns_configs?: unknown[] }

/** The Alertmanager configuration an environment's Kubernetes stack installs. */
function alertmanagerConfig(json: TfJson): { route: { routes: Route[] }; receivers: Receiver[] } {
  const release = resourcesOf(json, 'helm_release').find((r) => r.name === 'monitoring')!;
  return JSON.parse(release.values[0]).alertmanager.config;
}

/** The kinds of receiver (pagerduty, slack) an alert of a severity reaches, following `continue`. */
function kindsFor(config: ReturnType<typeof alertmanagerConfig>, severity: string): string[] {
  const kinds: string[] = [];
  for (const route of config.route.routes) {
    if (!(route.matchers ?? []).includes(`severity = "${severity}"`)) continue;
    const receiver = config.receivers.find((r) => r.name === route.receiver)!;
    if (receiver.pagerduty_configs) kinds.push('pagerduty');
    if (receiver.slack_configs) kinds.push('slack');
    if (!route.continue) break;
  }
  return kinds.sort();
}

/** What the environment's critical alerts must reach: its critical receiver, and wherever its warnings are posted. */
const criticalKinds = (e: (typeof ENVIRONMENTS)[number]) => [...new Set([e.monitoring.receivers.critical, e.monitoring.receivers.warning])].sort();

describe('paging', () => {
  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('%s: Alertmanager sends critical alerts to the critical receiver and posts them where warnings go', (_name, environment) => {
    const config = alertmanagerConfig(synthKubernetesEnvironment(environment).json);
    expect(kindsFor(config, 'critical')).toEqual(criticalKinds(environment));
    expect(kindsFor(config, 'warning')).toEqual([environment.monitoring.receivers.warning]);
  });

  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('%s: every alarm forwarder sends critical alarms to the same receivers as Alertmanager', (_name, environment) => {
    const stacks = [synthEnvironment(environment).json, ...(environment.standbyFor ? [synthStandby(environment).json] : [])];
    const forwarders = stacks.flatMap((json) => resourcesOf(json, 'aws_lambda_function').filter((f) => String(f.function_name).endsWith('-alarm-forwarder')));
    expect(forwarders.length).toBeGreaterThan(0);
    for (const forwarder of forwarders) {
      const variables = forwarder.environment.variables as Record<string, string>;
      expect(variables.RECEIVER_CRITICAL.split(',').sort(), forwarder.function_name).toEqual(criticalKinds(environment));
      expect(variables.RECEIVER_WARNING, forwarder.function_name).toBe(environment.monitoring.receivers.warning);
    }
  });

  it("pages when the standby's replica stops keeping up: its lag is the database's recovery point", () => {
    const json = synthStandby(standby).json;
    const topics = Object.fromEntries(Object.entries(json.resource.aws_sns_topic!).map(([id, t]) => [`\${aws_sns_topic.${id}.arn}`, String(t.name)]));
    const [lag, ...others] = resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter((a) => a.metric_name === 'ReplicaLag');
    expect(others).toEqual([]);
    expect(lag.alarm_actions.map((arn: string) => topics[arn])).toEqual([`hexabid-${standby.name}-alerts-critical`]);
  });
});

describe('alarms that page when a region is gone', () => {
  const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
  const infra = synthEnvironment(primary).json;
  const k8s = synthKubernetesEnvironment(primary).json;

  it("pages for the origin health check from us-east-1 itself: its topics' only subscriber is a forwarder there", async () => {
    const { severityOfTopic } = await import('../../modules/monitoring/alarm-forwarder/index.mjs');
    const [alarm] = resourcesOf(k8s, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/Route53');
    const alarmRegion = regionOf(k8s, alarm);
    expect(alarmRegion).toBe('us-east-1');
    const outputs = alarm.alarm_actions.map((a: string) => /outputs\.([a-z_]+)\}$/.exec(a)![1]!);
    for (const output of outputs) {
      const topic = byRef(infra, infra.output![output]!.value as string)!;
      expect(regionOf(infra, topic.body), output).toBe(alarmRegion);
      const subscriptions = resourcesOf(infra, 'aws_sns_topic_subscription').filter((s) => s.topic_arn === `\${aws_sns_topic.${topic.id}.arn}`);
      expect(subscriptions.length, output).toBeGreaterThan(0);
      for (const subscription of subscriptions) {
        const forwarder = byRef(infra, subscription.endpoint)!;
        expect(forwarder.type).toBe('aws_lambda_function');
        expect(regionOf(infra, forwarder.body), `${output} is forwarded from ${regionOf(infra, forwarder.body)}`).toBe(alarmRegion);
      }
      // The forwarder reads the severity from the topic's name.
      expect(() => severityOfTopic(`arn:aws:sns:${alarmRegion}:111:${topic.body.name}`)).not.toThrow();
    }
  });

  it('reads the forwarder credentials there from copies of the ones ops put once', () => {
    const forwarders = resourcesOf(infra, 'aws_lambda_function').filter((f) => String(f.function_name).endsWith('-alarm-forwarder'));
    const remote = forwarders.filter((f) => regionOf(infra, f) !== primary.region);
    expect(remote.map((f) => regionOf(infra, f))).toEqual(['us-east-1']);
    const replicated = resourcesOf(infra, 'aws_secretsmanager_secret').filter((s) => String(s.name).includes('/alerting/'));
    for (const secret of replicated) expect(secret.replica?.map((r: { region: string }) => r.region), secret.name).toContain('us-east-1');
  });

  /** Every stack of every environment, by name, so a reference through remote state can be followed. */
  const byName = new Map<string, TfJson>(
    ENVIRONMENTS.flatMap((e) => [
      [`hexabid-${e.name}`, synthEnvironment(e).json] as const,
      [`hexabid-${e.name}-k8s`, synthKubernetesEnvironment(e).json] as const,
      ...(e.standbyFor ? [[`hexabid-${e.name}-standby`, synthStandby(e).json] as const] : []),
    ]),
  );
  /** The stack and resource a reference names, following `terraform_remote_state` outputs to the stack that made them. */
  function resolve(json: TfJson, ref: string): { json: TfJson; resource: ReturnType<typeof byRef> } {
    const remote = /^\$\{data\.terraform_remote_state\.([^.]+)\.outputs\.([a-z_]+)\}$/.exec(ref);
    if (!remote) return { json, resource: byRef(json, ref) };
    const key = String(json.data!.terraform_remote_state![remote[1]!]!.config.key);
    const stack = byName.get(key.replace(/\/terraform\.tfstate$/, ''))!;
    return resolve(stack, String(stack.output![remote[2]!]!.value));
  }

  it.each([...byName.keys()])("lets CloudWatch publish every alarm of %s to its encrypted topics, in the alarm's own region", (name) => {
    // A key or topic policy that stopped admitting CloudWatch (the us-east-1 relay key, say) would silence its alarms with no error anywhere.
    const json = byName.get(name)!;
    const accountId = ENVIRONMENTS[0]!.accountId;
    for (const alarm of resourcesOf(json, 'aws_cloudwatch_metric_alarm')) {
      const alarmArn = `arn:aws:cloudwatch:${regionOf(json, alarm)}:${accountId}:alarm:${alarm.alarm_name}`;
      expect(alarm.alarm_actions.length, alarm.alarm_name).toBeGreaterThan(0);
      for (const action of alarm.alarm_actions as string[]) {
        const { json: owner, resource: topic } = resolve(json, action);
        expect(topic?.type, `${alarm.alarm_name} → ${action}`).toBe('aws_sns_topic');
        expect(regionOf(owner, topic!.body), alarm.alarm_name).toBe(regionOf(json, alarm));
        const lookups = (text: string) =>
          text.replace(/\$\{data\.aws_caller_identity\.[^}]+\}/g, accountId).replace(/\$\{data\.aws_partition\.[^}]+\}/g, 'aws').replace(/\$\{data\.aws_region\.[^}]+\}/g, regionOf(owner, topic!.body));
        const policy = resourcesOf(owner, 'aws_sns_topic_policy').find((p) => p.arn === `\${aws_sns_topic.${topic!.id}.arn}`)!;
        const context = { 'aws:SourceAccount': accountId, 'aws:SourceArn': alarmArn };
        expect(serviceMay(lookups(policy.policy), 'cloudwatch.amazonaws.com', 'sns:Publish', context), `${alarm.alarm_name}: topic policy`).toBe(true);
        const key = byRef(owner, topic!.body.kms_master_key_id)!;
        for (const kmsAction of ['kms:Decrypt', 'kms:GenerateDataKey']) {
          expect(serviceMay(lookups(key.body.policy), 'cloudwatch.amazonaws.com', kmsAction, context), `${alarm.alarm_name}: ${kmsAction} on ${key.id}`).toBe(true);
        }
      }
    }
  });
});

describe("a dead man's switch for each Alertmanager that pages", () => {
  const primary = ENVIRONMENTS.find((e) => e.disasterRecovery)!;
  const infra = synthEnvironment(primary).json;
  const paged = ENVIRONMENTS.filter((e) => e.disasterRecovery || e.standbyFor);

  it.each(paged.map((e) => [e.name, e] as const))("%s: Alertmanager sends its Watchdog, every minute, to a heartbeat topic in us-east-1, where neither cluster runs", (_name, environment) => {
    const k8s = synthKubernetesEnvironment(environment).json;
    const config = alertmanagerConfig(k8s);
    const watchdog = config.route.routes.find((r) => (r.matchers ?? []).includes('alertname = "Watchdog"'))! as Route & { repeat_interval?: string; group_interval?: string };
    expect(watchdog).toMatchObject({ group_interval: '1m', repeat_interval: '1m' });
    const receiver = config.receivers.find((r) => r.name === watchdog.receiver)! as Receiver & { sns_configs: { topic_arn: string; sigv4: { region: string } }[] };
    const [sns] = receiver.sns_configs;
    expect(sns!.sigv4.region).toBe('us-east-1');
    const topicName = sns!.topic_arn.split(':').pop()!;
    expect(sns!.topic_arn).toBe(`arn:aws:sns:us-east-1:${environment.accountId}:${topicName}`);
    // The topic exists, in us-east-1, made by the primary's infrastructure stack.
    const topic = resourcesOf(infra, 'aws_sns_topic').find((t) => t.name === topicName)!;
    expect(regionOf(infra, topic)).toBe('us-east-1');
    // Alertmanager's Pod Identity role may publish to it.
    const roles = resourcesOf(k8s, 'aws_iam_role').filter((r) => String(r.name).endsWith('-alertmanager'));
    expect(roles).toHaveLength(1);
    const statements = resourcesOf(k8s, 'aws_iam_role_policy').flatMap((p) => JSON.parse(p.policy).Statement as Record<string, any>[]);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: sns!.topic_arn }));
  });

  it('pages from us-east-1 when no heartbeat arrived for 15 minutes, silence included', () => {
    const topic = Object.entries(infra.resource.aws_sns_topic!).find(([, t]) => String(t.name).endsWith('-alertmanager-heartbeat'))!;
    const alarm = resourcesOf(infra, 'aws_cloudwatch_metric_alarm').find((a) => a.dimensions?.TopicName === `\${aws_sns_topic.${topic[0]}.name}`)!;
    expect(alarm).toMatchObject({ namespace: 'AWS/SNS', metric_name: 'NumberOfMessagesPublished', statistic: 'Sum', comparison_operator: 'LessThanThreshold', threshold: 1, treat_missing_data: 'breaching' });
    expect(alarm.period * alarm.evaluation_periods).toBe(900);
    expect(regionOf(infra, alarm)).toBe('us-east-1');
    const [action] = alarm.alarm_actions;
    const critical = byRef(infra, action)!;
    expect(critical.body.name).toMatch(/-alerts-critical$/);
    expect(regionOf(infra, critical.body)).toBe('us-east-1');
  });
});

describe('the failover health check', () => {
  const failing = ENVIRONMENTS.filter((e) => e.disasterRecovery || e.standbyFor);

  it.each(failing.map((e) => [e.name, e] as const))("%s: DNS fails over unless both the frontend's /health and the api's /api/health answer on the region's origin", (_name, environment) => {
    const k8s = synthKubernetesEnvironment(environment).json;
    const release = resourcesOf(k8s, 'helm_release').find((r) => r.name === 'hexabid')!;
    const used = release.set.find((s: { name: string }) => s.name.endsWith('aws-health-check-id')).value as string;
    const combined = byRef(k8s, used)!;
    expect(combined.body.type).toBe('CALCULATED');
    const children = (combined.body.child_healthchecks as string[]).map((ref) => byRef(k8s, ref)!.body);
    expect(children.map((c) => c.resource_path).sort()).toEqual(['/api/health', '/health']);
    for (const child of children) expect(child).toMatchObject({ type: 'HTTPS', fqdn: `origin-${environment.region}.${environment.edge.domainName}`, enable_sni: true });
    expect(combined.body.child_health_threshold).toBe(children.length);
    for (const alarm of resourcesOf(k8s, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/Route53')) expect(alarm.dimensions.HealthCheckId).toBe(used);
  });
});
