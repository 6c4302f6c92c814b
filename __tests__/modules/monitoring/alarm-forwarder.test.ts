import { describe, expect, it, vi } from 'vitest';
import {
  PAGERDUTY_EVENTS_URL,
  createHandler,
  parseMessage,
  readConfig,
  severityOfTopic,
  shouldForward,
  toPagerDuty,
  toSlack,
  type AlarmStateChange,
  type FetchLike,
  type SnsEvent,
} from '../../../modules/monitoring/alarm-forwarder/index.mjs';

const RUNBOOK = 'https://github.com/hexabid/hexabid-infrastructure/blob/main/docs/RUNBOOK.md#database-connections';
const ALARM_ARN = 'arn:aws:cloudwatch:ap-south-1:123456789012:alarm:hexabid-production-db-primary-connections-high';
const TOPIC = (severity: string) => `arn:aws:sns:ap-south-1:123456789012:hexabid-production-alerts-${severity}`;

function alarm(overrides: Partial<AlarmStateChange> = {}): AlarmStateChange {
  return {
    AlarmName: 'hexabid-production-db-primary-connections-high',
    AlarmDescription: `PostgreSQL primary has more than 400 connections for 15 minutes.\nRDS instance hexabid-production: look for a leak.\nRunbook: ${RUNBOOK}`,
    AlarmArn: ALARM_ARN,
    AWSAccountId: '123456789012',
    NewStateValue: 'ALARM',
    OldStateValue: 'OK',
    NewStateReason: 'Threshold Crossed: 3 datapoints [412.0, 430.0, 455.0] were greater than the threshold (400.0).',
    StateChangeTime: '2026-08-22T10:15:00.000+0000',
    Trigger: { MetricName: 'DatabaseConnections', Namespace: 'AWS/RDS', Dimensions: [{ name: 'DBInstanceIdentifier', value: 'hexabid-production' }] },
    ...overrides,
  };
}

function snsEvent(severity: string, ...alarms: AlarmStateChange[]): SnsEvent {
  return { Records: alarms.map((a) => ({ Sns: { TopicArn: TOPIC(severity), Message: JSON.stringify(a) } })) };
}

const ENV = { RECEIVER_CRITICAL: 'pagerduty', RECEIVER_WARNING: 'slack', PAGERDUTY_SECRET_ID: 'pd-secret', SLACK_SECRET_ID: 'slack-secret' };
const SECRETS: Record<string, string> = { 'pd-secret': 'R0UT1NGKEY00000000000000000000AB', 'slack-secret': 'https://hooks.slack.com/services/T000/B000/XXXX\n' };
const quiet = { log: vi.fn(), warn: vi.fn() };

/** A fetch that answers each call with the next status, recording the requests. */
function fakeFetch(...statuses: number[]) {
  const calls: { url: string; body: Record<string, any> }[] = [];
  const fetch = vi.fn<FetchLike>(async (url, init) => {
    calls.push({ url, body: JSON.parse(init.body) as Record<string, any> });
    const status = statuses.shift() ?? 202;
    return { ok: status >= 200 && status < 300, status, text: async () => (status >= 300 ? 'Event object is invalid' : '') };
  });
  return { fetch, calls };
}

describe('toPagerDuty', () => {
  it('triggers on ALARM, keyed by the alarm ARN, with the summary, severity and links to the alarm and the runbook', () => {
    const event = toPagerDuty(alarm(), 'KEY', 'critical')!;
    expect(event).toMatchObject({
      routing_key: 'KEY',
      event_action: 'trigger',
      dedup_key: ALARM_ARN,
      payload: {
        summary: 'hexabid-production-db-primary-connections-high: PostgreSQL primary has more than 400 connections for 15 minutes.',
        source: 'DBInstanceIdentifier=hexabid-production',
        severity: 'critical',
        timestamp: '2026-08-22T10:15:00.000+0000',
        component: 'AWS/RDS',
        class: 'DatabaseConnections',
      },
      client: 'AWS CloudWatch',
    });
    expect(event.links).toEqual([
      {
        href: 'https://ap-south-1.console.aws.amazon.com/cloudwatch/home?region=ap-south-1#alarmsV2:alarm/hexabid-production-db-primary-connections-high',
        text: 'CloudWatch alarm',
      },
      { href: RUNBOOK, text: 'Runbook' },
    ]);
    expect(event.payload!.custom_details).toMatchObject({ state: 'ALARM', previous_state: 'OK', reason: expect.stringContaining('Threshold Crossed') });
  });

  it('resolves on OK with the same dedup key, and sends nothing for INSUFFICIENT_DATA', () => {
    expect(toPagerDuty(alarm({ NewStateValue: 'OK', OldStateValue: 'ALARM' }), 'KEY', 'critical')).toEqual({
      routing_key: 'KEY',
      event_action: 'resolve',
      dedup_key: ALARM_ARN,
    });
    expect(toPagerDuty(alarm({ NewStateValue: 'INSUFFICIENT_DATA' }), 'KEY', 'warning')).toBeNull();
  });

  it('keeps within PagerDuty limits: summary 1024, dedup key 255', () => {
    const long = alarm({ AlarmArn: `${ALARM_ARN}${'x'.repeat(300)}`, AlarmDescription: 'y'.repeat(2000) });
    const event = toPagerDuty(long, 'KEY', 'warning')!;
    expect(event.payload!.summary).toHaveLength(1024);
    expect(event.dedup_key).toHaveLength(255);
    expect(toPagerDuty({ ...long, NewStateValue: 'OK' }, 'KEY', 'warning')!.dedup_key).toBe(event.dedup_key);
  });
});

describe('toSlack', () => {
  it('says the state, links the alarm, gives the reason and the runbook', () => {
    const { text } = toSlack(alarm(), 'warning');
    expect(text.split('\n')).toEqual([
      ':warning: *ALARM* (warning) <https://ap-south-1.console.aws.amazon.com/cloudwatch/home?region=ap-south-1#alarmsV2:alarm/hexabid-production-db-primary-connections-high|hexabid-production-db-primary-connections-high>',
      'PostgreSQL primary has more than 400 connections for 15 minutes.',
      'Reason: Threshold Crossed: 3 datapoints [412.0, 430.0, 455.0] were greater than the threshold (400.0).',
      `Runbook: <${RUNBOOK}>`,
    ]);
    expect(toSlack(alarm(), 'critical').text).toMatch(/^:rotating_light: \*ALARM\* \(critical\)/);
    expect(toSlack(alarm({ NewStateValue: 'OK', OldStateValue: 'ALARM' }), 'critical').text).toMatch(/^:white_check_mark: \*RESOLVED\*/);
  });

  it('escapes what Slack would read as markup', () => {
    expect(toSlack(alarm({ NewStateReason: 'a < b & c > d' }), 'warning').text).toContain('Reason: a &lt; b &amp; c &gt; d');
  });
});

describe('routing', () => {
  it('takes the severity from the topic name and refuses other topics', () => {
    expect(severityOfTopic(TOPIC('critical'))).toBe('critical');
    expect(severityOfTopic(TOPIC('warning'))).toBe('warning');
    expect(() => severityOfTopic('arn:aws:sns:ap-south-1:123456789012:something-else')).toThrow('is not an alerts topic');
  });

  it('forwards OK to Slack only after an ALARM, so a new alarm posts no "resolved"', () => {
    expect(shouldForward(alarm({ NewStateValue: 'OK', OldStateValue: 'INSUFFICIENT_DATA' }), 'slack')).toBe(false);
    expect(shouldForward(alarm({ NewStateValue: 'OK', OldStateValue: 'INSUFFICIENT_DATA' }), 'pagerduty')).toBe(true);
    expect(shouldForward(alarm({ NewStateValue: 'OK', OldStateValue: 'ALARM' }), 'slack')).toBe(true);
    expect(shouldForward(alarm({ NewStateValue: 'INSUFFICIENT_DATA' }), 'pagerduty')).toBe(false);
  });

  it('names the variable at fault in its configuration', () => {
    expect(() => readConfig({ ...ENV, RECEIVER_WARNING: 'email' })).toThrow('RECEIVER_WARNING must be pagerduty or slack, or both comma-separated, not "email"');
    expect(() => readConfig({ ...ENV, RECEIVER_CRITICAL: 'slack,slack' })).toThrow('RECEIVER_CRITICAL must be pagerduty or slack, or both comma-separated, not "slack,slack"');
    expect(() => readConfig({ ...ENV, PAGERDUTY_SECRET_ID: undefined })).toThrow('PAGERDUTY_SECRET_ID must name the pagerduty secret');
    // A receiver nobody uses needs no secret.
    expect(readConfig({ RECEIVER_CRITICAL: 'slack', RECEIVER_WARNING: 'slack', SLACK_SECRET_ID: 's' }).receivers).toEqual({ critical: ['slack'], warning: ['slack'] });
    expect(readConfig({ ...ENV, RECEIVER_CRITICAL: 'pagerduty,slack' }).receivers).toEqual({ critical: ['pagerduty', 'slack'], warning: ['slack'] });
  });
});

describe('handler', () => {
  it('sends critical alarms to PagerDuty and warnings to the Slack webhook, as configured', async () => {
    const { fetch, calls } = fakeFetch(202, 200);
    const handler = createHandler({ env: ENV, fetch, readSecret: async (id) => SECRETS[id]!, log: quiet });
    await handler(snsEvent('critical', alarm()));
    await handler(snsEvent('warning', alarm()));
    expect(calls.map((c) => c.url)).toEqual([PAGERDUTY_EVENTS_URL, 'https://hooks.slack.com/services/T000/B000/XXXX']);
    expect(calls[0]!.body).toMatchObject({ routing_key: SECRETS['pd-secret'], event_action: 'trigger', payload: { severity: 'critical' } });
    expect(calls[1]!.body.text).toContain('*ALARM* (warning)');
  });

  it('sends a critical alarm to every receiver of its severity, and one that fails does not silence the other', async () => {
    const env = { ...ENV, RECEIVER_CRITICAL: 'pagerduty,slack' };
    const both = fakeFetch(202, 200);
    await createHandler({ env, fetch: both.fetch, readSecret: async (id) => SECRETS[id]!, log: quiet })(snsEvent('critical', alarm()));
    expect(both.calls.map((c) => c.url)).toEqual([PAGERDUTY_EVENTS_URL, 'https://hooks.slack.com/services/T000/B000/XXXX']);
    expect(both.calls[1]!.body.text).toContain('*ALARM* (critical)');

    const pagerDutyDown = fakeFetch(500, 200);
    const failed = createHandler({ env, fetch: pagerDutyDown.fetch, readSecret: async (id) => SECRETS[id]!, log: quiet })(snsEvent('critical', alarm()));
    await expect(failed).rejects.toThrow('pagerduty answered 500');
    expect(pagerDutyDown.calls.map((c) => c.url)).toEqual([PAGERDUTY_EVENTS_URL, 'https://hooks.slack.com/services/T000/B000/XXXX']);
  });

  it('reads each credential once and caches it', async () => {
    const { fetch } = fakeFetch();
    const readSecret = vi.fn(async (id: string) => SECRETS[id]!);
    const handler = createHandler({ env: ENV, fetch, readSecret, log: quiet });
    for (let i = 0; i < 3; i++) await handler(snsEvent('critical', alarm()));
    await handler(snsEvent('warning', alarm(), alarm({ AlarmName: 'other' })));
    expect(readSecret.mock.calls).toEqual([['pd-secret'], ['slack-secret']]);
    expect(fetch).toHaveBeenCalledTimes(5);
  });

  it('reads the secret again once when the receiver refuses the credential, and uses the new value', async () => {
    const { fetch, calls } = fakeFetch(400, 202);
    const values = ['OLDKEY', 'NEWKEY'];
    const readSecret = vi.fn(async () => values.shift()!);
    await createHandler({ env: ENV, fetch, readSecret, log: quiet })(snsEvent('critical', alarm()));
    expect(calls.map((c) => c.body.routing_key)).toEqual(['OLDKEY', 'NEWKEY']);
    expect(readSecret).toHaveBeenCalledTimes(2);
  });

  it('throws, so Lambda retries and then dead-letters, when delivery fails', async () => {
    const unchanged = fakeFetch(403);
    const handler = createHandler({ env: ENV, fetch: unchanged.fetch, readSecret: async (id) => SECRETS[id]!, log: quiet });
    await expect(handler(snsEvent('warning', alarm()))).rejects.toThrow(/slack answered 403 .* has not changed since/);
    expect(unchanged.calls).toHaveLength(1);

    const busy = fakeFetch(429);
    await expect(createHandler({ env: ENV, fetch: busy.fetch, readSecret: async (id) => SECRETS[id]!, log: quiet })(snsEvent('critical', alarm()))).rejects.toThrow(
      'pagerduty answered 429 for hexabid-production-db-primary-connections-high: Event object is invalid',
    );

    const down = vi.fn<FetchLike>(async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    });
    const error = await createHandler({ env: ENV, fetch: down, readSecret: async (id) => SECRETS[id]!, log: quiet })(snsEvent('warning', alarm())).catch((e: Error) => e);
    expect(String(error)).toContain('slack could not be reached: ENOTFOUND');
    expect(String(error)).not.toContain('hooks.slack.com');
  });

  it('throws when a secret is empty or unreadable, or a message is not an alarm', async () => {
    const { fetch } = fakeFetch();
    await expect(createHandler({ env: ENV, fetch, readSecret: async () => '  ', log: quiet })(snsEvent('critical', alarm()))).rejects.toThrow('secret pd-secret is empty');
    await expect(
      createHandler({ env: ENV, fetch, readSecret: async () => Promise.reject(new Error('cannot read secret pd-secret (ResourceNotFoundException)')), log: quiet })(snsEvent('critical', alarm())),
    ).rejects.toThrow('ResourceNotFoundException');
    const notAnAlarm: SnsEvent = { Records: [{ Sns: { TopicArn: TOPIC('critical'), Message: '{"hello":"world"}' } }] };
    await expect(createHandler({ env: ENV, fetch, readSecret: async (id) => SECRETS[id]!, log: quiet })(notAnAlarm)).rejects.toThrow('not a CloudWatch alarm state change');
  });

  it('skips what is not worth a notification without calling anyone', async () => {
    const { fetch } = fakeFetch();
    await createHandler({ env: ENV, fetch, readSecret: async (id) => SECRETS[id]!, log: quiet })(
      snsEvent('warning', alarm({ NewStateValue: 'OK', OldStateValue: 'INSUFFICIENT_DATA' })),
    );
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('cost notices', () => {
  // What AWS Budgets publishes: plain text, with a subject (AWS Cost Management, "Creating an Amazon SNS topic for budget notifications").
  const budget = {
    TopicArn: TOPIC('warning'),
    Subject: 'AWS Budgets: hexabid-production has exceeded your alert threshold',
    Message: 'AWS Budget Notification\n\nYou requested that we alert you when the FORECASTED Cost associated with your hexabid-production budget is greater than $3700.00 for the current month.\n\nBudget Name: hexabid-production\nAlert Type: FORECASTED',
  };
  const anomaly = {
    TopicArn: TOPIC('warning'),
    Message: JSON.stringify({ anomalyId: 'a1b2', monitorName: 'hexabid-aws-services', dimensionalValue: 'Amazon Elastic Compute Cloud - Compute', impact: { totalImpact: 412.5 }, anomalyStartDate: '2026-09-01', anomalyDetailsLink: 'https://console.aws.amazon.com/cost-management/home#/anomaly-detection/monitors/x/anomalies/a1b2' }),
  };

  it('reads a budget notification and a cost anomaly as notices, and anything else in JSON as an alarm', () => {
    expect(parseMessage(budget)).toMatchObject({ kind: 'notice', notice: { source: 'AWS Budgets', title: budget.Subject, key: `notice:${budget.Subject}` } });
    expect(parseMessage(anomaly)).toMatchObject({
      kind: 'notice',
      notice: { source: 'AWS Cost Anomaly Detection', key: 'cost-anomaly:a1b2', title: 'Cost anomaly in Amazon Elastic Compute Cloud - Compute: $412.50 above the expected spend' },
    });
    expect(parseMessage({ Message: JSON.stringify(alarm()) })).toMatchObject({ kind: 'alarm' });
    expect(() => parseMessage({ Message: '{"hello":"world"}' })).toThrow('not a CloudWatch alarm state change');
  });

  it('forwards them to every receiver of the topic, keyed by what they are about', async () => {
    const { fetch, calls } = fakeFetch(202, 200, 202, 200);
    const handler = createHandler({ env: { ...ENV, RECEIVER_WARNING: 'pagerduty,slack' }, fetch, readSecret: async (id) => SECRETS[id]!, log: quiet });
    await handler({ Records: [{ Sns: budget }, { Sns: anomaly }] });
    expect(calls.map((c) => c.url)).toEqual([PAGERDUTY_EVENTS_URL, 'https://hooks.slack.com/services/T000/B000/XXXX', PAGERDUTY_EVENTS_URL, 'https://hooks.slack.com/services/T000/B000/XXXX']);
    expect(calls[0]!.body).toMatchObject({ event_action: 'trigger', dedup_key: `notice:${budget.Subject}`, payload: { summary: budget.Subject, source: 'AWS Budgets', severity: 'warning' } });
    expect(calls[1]!.body.text).toContain('Budget Name: hexabid-production');
    expect(calls[2]!.body).toMatchObject({ dedup_key: 'cost-anomaly:a1b2', links: [{ text: 'AWS Cost Anomaly Detection' }] });
    expect(calls[3]!.body.text).toContain('|Details>');
  });
});
