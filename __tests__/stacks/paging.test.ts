import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { resourcesOf, synthEnvironment, synthKubernetesEnvironment, synthStandby, type TfJson } from '../helpers/synth.ts';

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
