/** The vocabulary the alerting constructs share: severities, receivers, topics. */

/** How urgent an alarm is; each severity has its own SNS topic. */
export type AlertSeverity = 'critical' | 'warning';

export const ALERT_SEVERITIES = ['critical', 'warning'] as const satisfies readonly AlertSeverity[];

/** Where a severity's alarms are sent. Each receiver's credential is a Secrets Manager secret. */
export type AlertReceiver = 'pagerduty' | 'slack';

export const ALERT_RECEIVERS = ['pagerduty', 'slack'] as const satisfies readonly AlertReceiver[];

/** The ARN of the SNS topic of each severity, which alarms notify on ALARM and on OK. */
export interface AlarmTopics {
  readonly critical: string;
  readonly warning: string;
}

/**
 * Who hears of an alert of a severity: its own receiver, and for a critical
 * one also the warning receiver, so the channel where warnings are read shows
 * what paged too (docs/RUNBOOK.md, "Read the page"). The Alertmanager and the
 * AWS-side forwarders both route by it.
 */
export function receiversOf(severity: AlertSeverity, receivers: Readonly<Record<AlertSeverity, AlertReceiver>>): AlertReceiver[] {
  return severity === 'critical' ? [...new Set([receivers.critical, receivers.warning])] : [receivers[severity]];
}

/** The topic of a severity: `<prefix>-alerts-<severity>`. The forwarder reads the severity from the name. */
export function alertTopicName(namePrefix: string, severity: AlertSeverity): string {
  return `${namePrefix}-alerts-${severity}`;
}
