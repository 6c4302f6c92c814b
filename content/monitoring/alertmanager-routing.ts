/**
 * Alertmanager routing for HexaBid: one set of receivers per severity
 * (critical → PagerDuty, warning → Slack, info → nowhere by default), the
 * kube-prometheus conventions (Watchdog and InfoInhibitor to the `null`
 * receiver, or the Watchdog to a heartbeat topic that pages on silence) and
 * its inhibit rules.
 *
 * No credential is in the configuration: the PagerDuty routing key and the
 * Slack webhook URL are read from files (`routing_key_file`,
 * `api_url_file`, Alertmanager ≥ 0.25; checked against v0.34.0, the version
 * kube-prometheus-stack 88.5.3 deploys). The files are the keys of one
 * Kubernetes Secret, which External Secrets fills from Secrets Manager and
 * the Alertmanager mounts through `alertmanager.alertmanagerSpec.secrets`
 * at /etc/alertmanager/secrets/<secret name>/<key>.
 */
import type { Severity } from './alerts/types.ts';

/** Where the Prometheus Operator mounts each Secret named in `Alertmanager.spec.secrets`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';
/** The Secret holding the notifier credentials (in the monitoring namespace). */
export const ALERTMANAGER_NOTIFIER_SECRET = 'alertmanager-notifiers';
/** The directory the notifier credentials appear in inside the Alertmanager pod. */
export const ALERTMANAGER_NOTIFIER_MOUNT_PATH = `${ALERTMANAGER_SECRETS_DIR}/${ALERTMANAGER_NOTIFIER_SECRET}`;
/** The Secret's keys, by default. */
export const NOTIFIER_SECRET_KEYS = {
  pagerdutyRoutingKey: 'pagerduty-routing-key',
  slackWebhookUrl: 'slack-webhook-url',
} as const;

/** The name Alertmanager (and kube-prometheus) give the receiver that drops alerts. */
export const NULL_RECEIVER = 'null';

export type NotificationTarget =
  | { readonly kind: 'pagerduty'; /** Key of the notifier Secret holding the Events API v2 routing key. */ readonly routingKeySecretKey: string }
  | {
      readonly kind: 'slack';
      readonly channel: string;
      /** Key of the notifier Secret holding the incoming-webhook URL. */
      readonly webhookSecretKey: string;
    };

/** Where Alertmanager sends its always-firing Watchdog: an SNS topic whose silence pages (a dead man's switch). */
export interface HeartbeatTarget {
  readonly topicArn: string;
  /** The topic's region, which requests are signed for. */
  readonly region: string;
}

/** The receiver of the Watchdog when it is a heartbeat. */
export const HEARTBEAT_RECEIVER = 'heartbeat';

export interface AlertRoutingInput {
  /** Who hears of each severity, in order; an empty list drops that severity. */
  readonly receivers: Readonly<Record<Severity, readonly NotificationTarget[]>>;
  /** The notifier Secret; its keys are mounted as files. */
  readonly secretName?: string;
  /**
   * Send the Watchdog every minute to this topic, whose silence pages; its
   * credentials come from the pod's role (Pod Identity), not from a file.
   * @default - the Watchdog goes to the `null` receiver, as in kube-prometheus
   */
  readonly heartbeat?: HeartbeatTarget;
  readonly groupBy?: readonly string[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
}

export const DEFAULT_ALERT_ROUTING: AlertRoutingInput = {
  receivers: {
    critical: [
      { kind: 'pagerduty', routingKeySecretKey: NOTIFIER_SECRET_KEYS.pagerdutyRoutingKey },
      { kind: 'slack', channel: '#hexabid-alerts', webhookSecretKey: NOTIFIER_SECRET_KEYS.slackWebhookUrl },
    ],
    warning: [{ kind: 'slack', channel: '#hexabid-alerts', webhookSecretKey: NOTIFIER_SECRET_KEYS.slackWebhookUrl }],
    info: [],
  },
};

export interface AlertmanagerRoute {
  readonly receiver: string;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: readonly AlertmanagerRoute[];
}

export interface PagerdutyConfig {
  readonly routing_key_file: string;
  readonly severity: string;
  readonly send_resolved: boolean;
}

export interface SlackConfig {
  readonly api_url_file: string;
  readonly channel: string;
  readonly send_resolved: boolean;
  readonly title: string;
  readonly text: string;
}

export interface SnsConfig {
  readonly topic_arn: string;
  readonly sigv4: { readonly region: string };
  readonly send_resolved: boolean;
}

export interface AlertmanagerReceiver {
  readonly name: string;
  readonly pagerduty_configs?: readonly PagerdutyConfig[];
  readonly slack_configs?: readonly SlackConfig[];
  readonly sns_configs?: readonly SnsConfig[];
}

export interface InhibitRule {
  readonly source_matchers?: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal?: readonly string[];
}

/** The parts of alertmanager.yaml this module owns. */
export interface AlertmanagerConfig {
  readonly route: AlertmanagerRoute;
  readonly receivers: readonly AlertmanagerReceiver[];
  readonly inhibit_rules: readonly InhibitRule[];
}

const SLACK_TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
const SLACK_TEXT =
  '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n{{ if .Annotations.runbook_url }}<{{ .Annotations.runbook_url }}|Runbook>{{ end }}\n{{ end }}';

/** kube-prometheus's inhibit rules: the graver alert of a namespace mutes the lesser one of the same name; InfoInhibitor mutes info alerts. */
export const INHIBIT_RULES: readonly InhibitRule[] = [
  { source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['namespace', 'alertname'] },
  { source_matchers: ['severity = warning'], target_matchers: ['severity = info'], equal: ['namespace', 'alertname'] },
  { source_matchers: ['alertname = InfoInhibitor'], target_matchers: ['severity = info'], equal: ['namespace'] },
  { target_matchers: ['alertname = InfoInhibitor'] },
];

function receiverName(severity: Severity, target: NotificationTarget): string {
  return `${severity}-${target.kind}`;
}

function receiverFor(severity: Severity, target: NotificationTarget, secretDir: string): AlertmanagerReceiver {
  const name = receiverName(severity, target);
  switch (target.kind) {
    case 'pagerduty':
      return {
        name,
        pagerduty_configs: [{ routing_key_file: `${secretDir}/${target.routingKeySecretKey}`, severity, send_resolved: true }],
      };
    case 'slack':
      return {
        name,
        slack_configs: [
          { api_url_file: `${secretDir}/${target.webhookSecretKey}`, channel: target.channel, send_resolved: true, title: SLACK_TITLE, text: SLACK_TEXT },
        ],
      };
  }
}

/** The route tree, receivers and inhibit rules for alertmanager.yaml. */
export function buildAlertmanagerConfig(input: AlertRoutingInput = DEFAULT_ALERT_ROUTING): AlertmanagerConfig {
  const secretDir = `${ALERTMANAGER_SECRETS_DIR}/${input.secretName ?? ALERTMANAGER_NOTIFIER_SECRET}`;
  const receivers: AlertmanagerReceiver[] = [{ name: NULL_RECEIVER }];
  const severityRoutes: AlertmanagerRoute[] = [];
  const severities: Severity[] = ['critical', 'warning', 'info'];
  for (const severity of severities) {
    const targets = input.receivers[severity];
    const names = targets.map((t) => receiverName(severity, t));
    if (new Set(names).size !== names.length) throw new Error(`severity ${severity} names the same kind of receiver twice`);
    targets.forEach((target, i) => {
      receivers.push(receiverFor(severity, target, secretDir));
      severityRoutes.push({
        receiver: receiverName(severity, target),
        matchers: [`severity = "${severity}"`],
        // Later receivers of the same severity hear of it too.
        ...(i < targets.length - 1 ? { continue: true } : {}),
      });
    });
    if (targets.length === 0) severityRoutes.push({ receiver: NULL_RECEIVER, matchers: [`severity = "${severity}"`] });
  }
  // The Watchdog always fires: as a heartbeat it is sent every minute, and only its absence matters.
  // Alertmanager signs SNS requests with the default AWS credential chain (sns_configs' sigv4), which
  // includes the Pod Identity credentials of its pod.
  const watchdog: AlertmanagerRoute = input.heartbeat
    ? { receiver: HEARTBEAT_RECEIVER, matchers: ['alertname = "Watchdog"'], group_wait: '0s', group_interval: '1m', repeat_interval: '1m' }
    : { receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] };
  if (input.heartbeat) {
    receivers.push({ name: HEARTBEAT_RECEIVER, sns_configs: [{ topic_arn: input.heartbeat.topicArn, sigv4: { region: input.heartbeat.region }, send_resolved: false }] });
  }
  // An alert without a known severity is not dropped: it goes where warnings go.
  const warning = input.receivers.warning[0];
  const fallback = warning ? receiverName('warning', warning) : NULL_RECEIVER;
  return {
    route: {
      receiver: fallback,
      group_by: input.groupBy ?? ['namespace', 'alertname'],
      group_wait: input.groupWait ?? '30s',
      group_interval: input.groupInterval ?? '5m',
      repeat_interval: input.repeatInterval ?? '12h',
      routes: [
        // kube-prometheus: Watchdog always fires to prove the pipeline works; InfoInhibitor only inhibits.
        watchdog,
        { receiver: NULL_RECEIVER, matchers: ['alertname = "InfoInhibitor"'] },
        ...severityRoutes,
      ],
    },
    receivers,
    inhibit_rules: INHIBIT_RULES,
  };
}

/** The keys the notifier Secret must hold for this routing (for the ExternalSecret). */
export function requiredNotifierSecretKeys(input: AlertRoutingInput = DEFAULT_ALERT_ROUTING): string[] {
  const keys = Object.values(input.receivers)
    .flat()
    .map((t) => (t.kind === 'pagerduty' ? t.routingKeySecretKey : t.webhookSecretKey));
  return [...new Set(keys)].sort();
}

/** Every receiver a route (at any depth) names, for checks. */
export function routeReceivers(route: AlertmanagerRoute): string[] {
  return [route.receiver, ...(route.routes ?? []).flatMap(routeReceivers)];
}
