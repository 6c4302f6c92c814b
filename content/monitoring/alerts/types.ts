/** The shapes of the HexaBid Prometheus alert rules. */

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A Prometheus duration as rules take it (`5m`, `1h`). */
export type PromDuration = `${number}${'s' | 'm' | 'h' | 'd'}`;

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: PromDuration;
  readonly labels: { readonly severity: Severity } & Readonly<Record<string, string>>;
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export interface AlertRuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The PrometheusRule `spec`. */
export interface PrometheusRuleSpec {
  readonly groups: readonly AlertRuleGroup[];
}

/** Thresholds an environment may override; DEFAULT_ALERT_THRESHOLDS holds the defaults. */
export interface AlertThresholds {
  /** api: share of 5xx responses (0–1) over 5 minutes. */
  readonly apiErrorRatio: number;
  /** api: below this many requests per second the error ratio is not judged (a single failure at night is not an incident). */
  readonly apiMinRequestsPerSecond: number;
  /** api: 95th percentile response time, seconds (best on a histogram bucket bound: 0.5, 1, 2.5). */
  readonly apiLatencyP95Seconds: number;
  /** Restarts of one container within 15 minutes that count as crash-looping. */
  readonly podRestartsIn15m: number;
  /** Hours without a successful scraper run (it runs every 6 h; 13 h means two runs missed). */
  readonly scraperHoursSinceSuccess: number;
  /** Hours without a successful search snapshot (it runs daily; 26 h leaves two hours for a slow or retried run). */
  readonly searchSnapshotHoursSinceSuccess: number;
  /** Redis used_memory over maxmemory (0–1). */
  readonly redisMemoryRatio: number;
  /** Redis evictions per second above which to alert (0: any eviction; the job queue lives there). */
  readonly redisEvictionsPerSecond: number;
  /** PostgreSQL sessions over max_connections (0–1). */
  readonly postgresConnectionRatio: number;
  /** Replica lag, seconds, measured by postgres_exporter on the replica. */
  readonly postgresReplicaLagSeconds: number;
  /** Age of the oldest open transaction, seconds. */
  readonly postgresLongestTransactionSeconds: number;
  /** worker: share of job attempts given up (0–1) over 15 minutes. */
  readonly jobFailureRatio: number;
}

/** Which series the rules look at. */
export interface AlertScope {
  /**
   * The app namespace (`hexabid-prod`). Unset, the rules match every
   * `hexabid-*` namespace except the platform's own (hexabid-system).
   */
  readonly appNamespace?: string;
  /** Regex of the `job` label of the exporter targets (ServiceMonitors name them after their Service). */
  readonly exporterJobRegex?: string;
}

export interface AlertContext {
  readonly t: AlertThresholds;
  /** The namespace matchers, without braces: `namespace="hexabid-prod"`. */
  readonly ns: string;
  readonly exporterJobRegex: string;
}
