/** Types of index.mjs, for the TypeScript that tests it; not packaged into the Lambda. */

export type Severity = 'critical' | 'warning';
export type Receiver = 'pagerduty' | 'slack';

/** The CloudWatch alarm state change that SNS carries (the fields the forwarder reads). */
export interface AlarmStateChange {
  readonly AlarmName: string;
  readonly AlarmDescription?: string | null;
  readonly AlarmArn?: string;
  readonly AWSAccountId?: string;
  readonly NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly OldStateValue?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly NewStateReason?: string;
  readonly StateChangeTime?: string;
  readonly Trigger?: {
    readonly MetricName?: string;
    readonly Namespace?: string;
    readonly Dimensions?: readonly { readonly name: string; readonly value: string }[];
  };
}

export interface PagerDutyLink {
  readonly href: string;
  readonly text: string;
}

export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: Severity;
    readonly timestamp?: string;
    readonly component?: string;
    readonly class?: string;
    readonly custom_details: Record<string, unknown>;
  };
  readonly links?: readonly PagerDutyLink[];
  readonly client?: string;
  readonly client_url?: string;
}

export interface SnsEvent {
  readonly Records?: readonly { readonly Sns?: { readonly TopicArn?: string; readonly Message?: string; readonly Subject?: string } }[];
}

export interface ForwarderConfig {
  /** Who gets each severity, in order. */
  readonly receivers: Readonly<Record<Severity, readonly Receiver[]>>;
  readonly secretIds: Readonly<Partial<Record<Receiver, string>>>;
}

/** The subset of `fetch` the forwarder uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface HandlerDependencies {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: FetchLike;
  readonly readSecret?: (secretId: string) => Promise<string>;
  readonly log?: Pick<Console, 'log' | 'warn'>;
}

/** A notice from an AWS service other than CloudWatch (AWS Budgets, Cost Anomaly Detection). */
export interface Notice {
  readonly source: string;
  /** What the notice is about: PagerDuty's dedup key. */
  readonly key: string;
  readonly title: string;
  readonly text: string;
  readonly link?: string;
}

export type ParsedMessage = { readonly kind: 'alarm'; readonly alarm: AlarmStateChange } | { readonly kind: 'notice'; readonly notice: Notice };

export const PAGERDUTY_EVENTS_URL: string;
export function parseMessage(sns: { readonly Message?: string; readonly Subject?: string } | undefined): ParsedMessage;
export function noticeToPagerDuty(notice: Notice, routingKey: string, severity: Severity): PagerDutyEvent;
export function noticeToSlack(notice: Notice, severity: Severity): { text: string };
export function severityOfTopic(topicArn: string | undefined): Severity;
export function parseAlarm(message: string | AlarmStateChange | undefined): AlarmStateChange;
export function shouldForward(alarm: AlarmStateChange, receiver: Receiver): boolean;
export function summaryOf(alarm: AlarmStateChange): string;
export function runbookUrlOf(alarm: AlarmStateChange): string | undefined;
export function consoleUrlOf(alarm: AlarmStateChange): string | undefined;
export function toPagerDuty(alarm: AlarmStateChange, routingKey: string, severity: Severity): PagerDutyEvent | null;
export function toSlack(alarm: AlarmStateChange, severity: Severity): { text: string };
export function readConfig(env: Readonly<Record<string, string | undefined>>): ForwarderConfig;
export function readSecretFromSecretsManager(secretId: string): Promise<string>;
export function createHandler(dependencies?: HandlerDependencies): (event: SnsEvent) => Promise<void>;
export function handler(event: SnsEvent): Promise<void>;
