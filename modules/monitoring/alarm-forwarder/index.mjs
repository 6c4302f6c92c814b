// Forwards CloudWatch alarm notifications from the alerting SNS topics to
// PagerDuty (Events API v2) or Slack (incoming webhook): the AWS-side alarms
// reach the same people as the in-cluster Alertmanager, even when the cluster
// is down. Node.js 22 built-ins and the AWS SDK v3 that the Lambda runtime
// ships; nothing is bundled.
//
// Configuration, from the Lambda environment:
//   RECEIVER_CRITICAL, RECEIVER_WARNING    'pagerduty', 'slack' or both,
//                                          comma-separated: each gets the alarm
//   PAGERDUTY_SECRET_ID, SLACK_SECRET_ID   Secrets Manager secrets whose values
//                                          are the routing key and the webhook URL
//
// Besides CloudWatch alarms, the topics carry the account's cost alerts: AWS
// Budgets' plain-text notifications and Cost Anomaly Detection's JSON ones.
// Those are forwarded as notices: a trigger (PagerDuty) or a message (Slack),
// never resolved.
//
// Any failure throws: Lambda retries the event twice, then puts it in the
// dead-letter queue, whose own alarm says the forwarder is broken.

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const RECEIVERS = ['pagerduty', 'slack'];
const HTTP_TIMEOUT_MS = 10_000;
/** Statuses that may mean a stale credential: the secret is read again, once. */
const CREDENTIAL_STATUSES = new Set([400, 401, 403, 404, 410]);

/** The severity of an alerts topic, from its name `<prefix>-alerts-<severity>`. */
export function severityOfTopic(topicArn) {
  const name = String(topicArn ?? '').split(':').pop();
  const match = /-alerts-(critical|warning)$/.exec(name ?? '');
  if (!match) throw new Error(`${topicArn} is not an alerts topic (<prefix>-alerts-critical or <prefix>-alerts-warning)`);
  return match[1];
}

/** The alarm state change an SNS message carries; throws when it is not one. */
export function parseAlarm(message) {
  const alarm = typeof message === 'string' ? JSON.parse(message) : message;
  if (!alarm || typeof alarm.AlarmName !== 'string' || typeof alarm.NewStateValue !== 'string') {
    throw new Error('the SNS message is not a CloudWatch alarm state change');
  }
  return alarm;
}

/** A Cost Anomaly Detection alert (its JSON carries an anomaly ID and a monitor). */
function isCostAnomaly(value) {
  return Boolean(value) && typeof value === 'object' && typeof value.anomalyId === 'string';
}

/**
 * What an SNS record carries: a CloudWatch alarm state change, or a notice
 * from another AWS service that publishes to the topic (a Cost Anomaly
 * Detection alert; an AWS Budgets notification, which is plain text). Throws
 * for JSON that is neither, which nothing should publish here.
 */
export function parseMessage(sns) {
  const message = String(sns?.Message ?? '');
  let json;
  try {
    json = JSON.parse(message);
  } catch {
    json = undefined;
  }
  if (json !== undefined && isCostAnomaly(json)) {
    const impact = Number(json.impact?.totalImpact ?? 0);
    const what = json.dimensionalValue ?? json.monitorName ?? 'the account';
    return {
      kind: 'notice',
      notice: {
        source: 'AWS Cost Anomaly Detection',
        key: `cost-anomaly:${json.anomalyId}`,
        title: `Cost anomaly in ${what}: $${impact.toFixed(2)} above the expected spend`,
        text: [`Monitor: ${json.monitorName ?? 'unknown'}`, `From ${json.anomalyStartDate ?? '?'} to ${json.anomalyEndDate ?? 'now'}`].join('\n'),
        link: typeof json.anomalyDetailsLink === 'string' ? json.anomalyDetailsLink : undefined,
      },
    };
  }
  if (json !== undefined) return { kind: 'alarm', alarm: parseAlarm(json) };
  const firstLine = message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const title = String(sns?.Subject ?? '').trim() || firstLine || 'Notification without a subject';
  return { kind: 'notice', notice: { source: 'AWS Budgets', key: `notice:${title}`, title, text: message.trim().slice(0, 2500), link: undefined } };
}

/** The PagerDuty Events API v2 trigger for a notice, keyed by what it is about. */
export function noticeToPagerDuty(notice, routingKey, severity) {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: notice.key.slice(0, 255),
    payload: { summary: notice.title.slice(0, 1024), source: notice.source, severity, custom_details: { message: notice.text } },
    links: notice.link ? [{ href: notice.link, text: notice.source }] : [],
    client: notice.source,
  };
}

/** The Slack incoming-webhook message for a notice. */
export function noticeToSlack(notice, severity) {
  const icon = severity === 'critical' ? ':rotating_light:' : ':warning:';
  const lines = [`${icon} *${slackEscape(notice.source)}* (${severity}) ${slackEscape(notice.title)}`, slackEscape(notice.text)];
  if (notice.link) lines.push(`<${notice.link}|Details>`);
  return { text: lines.join('\n') };
}

/**
 * Whether a state change is worth a notification. ALARM always is. OK is for
 * PagerDuty (a resolve of nothing is dropped there), and for Slack only after
 * an ALARM: a new alarm's first OK would otherwise post "resolved" for nothing.
 */
export function shouldForward(alarm, receiver) {
  if (alarm.NewStateValue === 'ALARM') return true;
  if (alarm.NewStateValue !== 'OK') return false;
  return receiver === 'pagerduty' || alarm.OldStateValue === 'ALARM';
}

/** The first line of the alarm's description: our alarms start with a one-line summary. */
export function summaryOf(alarm) {
  const line = String(alarm.AlarmDescription ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line ?? `${alarm.AlarmName} is ${alarm.NewStateValue}`;
}

/** The runbook link in the alarm's description, if any. */
export function runbookUrlOf(alarm) {
  const urls = String(alarm.AlarmDescription ?? '').match(/https:\/\/\S+/g) ?? [];
  return urls.find((u) => /runbook/i.test(u)) ?? urls[0];
}

/** The alarm's page in the CloudWatch console, from the region in its ARN. */
export function consoleUrlOf(alarm) {
  const [, partition, , region] = String(alarm.AlarmArn ?? '').split(':');
  if (!region) return undefined;
  const host = partition === 'aws-cn' ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`;
}

/** What the alarm watches, e.g. `DBInstanceIdentifier=hexabid-production`. */
function sourceOf(alarm) {
  const dimensions = alarm.Trigger?.Dimensions ?? [];
  const named = dimensions.map((d) => `${d.name}=${d.value}`).join(',');
  return named !== '' ? named : alarm.AlarmName;
}

/** PagerDuty caps dedup keys at 255 characters; the same alarm always gets the same key. */
function dedupKeyOf(alarm) {
  const key = alarm.AlarmArn ?? alarm.AlarmName;
  return key.length <= 255 ? key : key.slice(-255);
}

/**
 * The PagerDuty Events API v2 event for a state change: ALARM triggers, OK
 * resolves, both keyed by the alarm's ARN. Null for any other state.
 */
export function toPagerDuty(alarm, routingKey, severity) {
  const dedup_key = dedupKeyOf(alarm);
  if (alarm.NewStateValue === 'OK') return { routing_key: routingKey, event_action: 'resolve', dedup_key };
  if (alarm.NewStateValue !== 'ALARM') return null;
  const consoleUrl = consoleUrlOf(alarm);
  const runbookUrl = runbookUrlOf(alarm);
  const links = [
    ...(consoleUrl ? [{ href: consoleUrl, text: 'CloudWatch alarm' }] : []),
    ...(runbookUrl ? [{ href: runbookUrl, text: 'Runbook' }] : []),
  ];
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: `${alarm.AlarmName}: ${summaryOf(alarm)}`.slice(0, 1024),
      source: sourceOf(alarm),
      severity,
      ...(alarm.StateChangeTime ? { timestamp: alarm.StateChangeTime } : {}),
      component: alarm.Trigger?.Namespace,
      class: alarm.Trigger?.MetricName,
      custom_details: {
        alarm: alarm.AlarmName,
        state: alarm.NewStateValue,
        previous_state: alarm.OldStateValue,
        reason: alarm.NewStateReason,
        account: alarm.AWSAccountId,
        description: alarm.AlarmDescription,
      },
    },
    links,
    client: 'AWS CloudWatch',
    ...(consoleUrl ? { client_url: consoleUrl } : {}),
  };
}

/** Slack needs &, < and > escaped in message text. */
function slackEscape(text) {
  return String(text ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Slack incoming-webhook message for a state change. */
export function toSlack(alarm, severity) {
  const firing = alarm.NewStateValue === 'ALARM';
  const icon = firing ? (severity === 'critical' ? ':rotating_light:' : ':warning:') : ':white_check_mark:';
  const state = firing ? 'ALARM' : alarm.NewStateValue === 'OK' ? 'RESOLVED' : alarm.NewStateValue;
  const consoleUrl = consoleUrlOf(alarm);
  const runbookUrl = runbookUrlOf(alarm);
  const name = slackEscape(alarm.AlarmName);
  const lines = [
    `${icon} *${state}* (${severity}) ${consoleUrl ? `<${consoleUrl}|${name}>` : name}`,
    slackEscape(summaryOf(alarm)),
    `Reason: ${slackEscape(alarm.NewStateReason)}`,
    ...(runbookUrl ? [`Runbook: <${runbookUrl}>`] : []),
  ];
  return { text: lines.join('\n') };
}

/** Reads the forwarder's settings; throws, naming the variable, when one is missing or wrong. */
export function readConfig(env) {
  const receivers = {};
  for (const severity of ['critical', 'warning']) {
    const variable = `RECEIVER_${severity.toUpperCase()}`;
    const named = String(env[variable] ?? '').split(',').map((r) => r.trim());
    if (named.some((r) => !RECEIVERS.includes(r)) || new Set(named).size !== named.length) {
      throw new Error(`${variable} must be ${RECEIVERS.join(' or ')}, or both comma-separated, not ${JSON.stringify(env[variable])}`);
    }
    receivers[severity] = named;
  }
  const secretIds = { pagerduty: env.PAGERDUTY_SECRET_ID, slack: env.SLACK_SECRET_ID };
  for (const receiver of new Set(Object.values(receivers).flat())) {
    if (!secretIds[receiver]) throw new Error(`${receiver.toUpperCase()}_SECRET_ID must name the ${receiver} secret`);
  }
  return { receivers, secretIds };
}

let secretsClient;

/** Reads a secret's current value with the SDK the Lambda runtime ships (imported on first use). */
export async function readSecretFromSecretsManager(secretId) {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  secretsClient ??= new SecretsManagerClient({});
  let output;
  try {
    output = await secretsClient.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    throw new Error(`cannot read secret ${secretId} (${error.name}); ops put its value with aws secretsmanager put-secret-value`);
  }
  return output.SecretString ?? '';
}

/**
 * A handler with its dependencies injected: `fetch`, `readSecret(secretId)`
 * and the environment. Credentials are read once per container and cached.
 */
export function createHandler({ env = process.env, fetch: fetchImpl = globalThis.fetch, readSecret = readSecretFromSecretsManager, log = console } = {}) {
  const config = readConfig(env);
  const credentials = new Map();

  async function credential(receiver, refresh) {
    if (refresh || !credentials.has(receiver)) {
      const value = String(await readSecret(config.secretIds[receiver])).trim();
      if (value === '') throw new Error(`secret ${config.secretIds[receiver]} is empty; ops put the ${receiver} credential in it`);
      credentials.set(receiver, value);
    }
    return credentials.get(receiver);
  }

  async function post(receiver, url, body) {
    try {
      return await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
    } catch (error) {
      // Never the URL: a Slack webhook URL is itself the credential.
      throw new Error(`${receiver} could not be reached: ${error.cause?.code ?? error.name}`);
    }
  }

  async function deliver(receiver, message, severity) {
    const alarm = message.kind === 'alarm' ? message.alarm : undefined;
    const name = alarm ? alarm.AlarmName : message.notice.title;
    let previous;
    let refused = '';
    for (let attempt = 1; ; attempt++) {
      const secret = await credential(receiver, attempt > 1);
      if (attempt > 1 && secret === previous) break;
      previous = secret;
      if (receiver === 'slack' && !secret.startsWith('https://')) throw new Error(`secret ${config.secretIds.slack} does not hold an https webhook URL`);
      const body =
        receiver === 'pagerduty'
          ? alarm ? toPagerDuty(alarm, secret, severity) : noticeToPagerDuty(message.notice, secret, severity)
          : alarm ? toSlack(alarm, severity) : noticeToSlack(message.notice, severity);
      const response = await post(receiver, receiver === 'pagerduty' ? PAGERDUTY_EVENTS_URL : secret, body);
      if (response.ok) return;
      const detail = (await response.text().catch(() => '')).slice(0, 300);
      if (attempt === 1 && CREDENTIAL_STATUSES.has(response.status)) {
        refused = `${response.status} ${detail}`;
        log.warn(JSON.stringify({ message: 'receiver refused the credential; reading the secret again', receiver, status: response.status }));
        continue;
      }
      throw new Error(`${receiver} answered ${response.status} for ${name}: ${detail}`);
    }
    throw new Error(`${receiver} answered ${refused} for ${name}, and secret ${config.secretIds[receiver]} has not changed since`);
  }

  return async function handler(event) {
    const failures = [];
    for (const record of event?.Records ?? []) {
      try {
        const severity = severityOfTopic(record.Sns?.TopicArn);
        const message = parseMessage(record.Sns);
        const alarm = message.kind === 'alarm' ? message.alarm : undefined;
        // Every receiver of the severity gets its chance: one that fails does not silence the others.
        for (const receiver of config.receivers[severity]) {
          try {
            if (alarm && !shouldForward(alarm, receiver)) {
              log.log(JSON.stringify({ message: 'skipped', alarm: alarm.AlarmName, state: alarm.NewStateValue, previous: alarm.OldStateValue, receiver }));
              continue;
            }
            await deliver(receiver, message, severity);
            log.log(JSON.stringify({ message: 'forwarded', alarm: alarm?.AlarmName, notice: message.notice?.title, state: alarm?.NewStateValue, severity, receiver }));
          } catch (error) {
            failures.push(error);
          }
        }
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new Error(failures.map((e) => e.message).join('; '));
  };
}

let defaultHandler;

/** The Lambda entry point: the real environment, fetch and Secrets Manager. */
export async function handler(event) {
  defaultHandler ??= createHandler();
  return defaultHandler(event);
}
