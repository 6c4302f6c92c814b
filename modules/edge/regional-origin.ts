import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';
import type { AlarmTopics } from '../monitoring/alarm-topics.ts';
import { metricAlarm } from '../monitoring/internal/metric-alarm.ts';

/** Where Route53 publishes its health-check metrics, whatever region the checks are for. */
export const HEALTH_CHECK_METRICS_REGION = 'us-east-1';

export interface RegionalOriginProps {
  /** The zone of `domainName`. */
  readonly hostedZoneId: string;
  /** The app's domain, e.g. `hexabid.in`. */
  readonly domainName: string;
  /** The region this origin serves from; it names the origin (`origin-ap-south-1.hexabid.in`). */
  readonly region: string;
  /**
   * The paths that must all answer 2xx or 3xx for the origin to count as up:
   * each gets an HTTPS check, and a calculated check that needs every one is
   * what DNS failover and the alarm follow.
   * @default ['/health', '/api/health'] - the frontend and the api
   */
  readonly resourcePaths?: readonly string[];
  /** Seconds between probes from each checker: 10 or 30. @default 30 */
  readonly requestIntervalSeconds?: 10 | 30;
  /** Consecutive failed probes before the origin counts as down. @default 3 */
  readonly failureThreshold?: number;
  /**
   * Topics in {@link HEALTH_CHECK_METRICS_REGION} that a failing check pages
   * (critical): DNS is failing over, or about to.
   * @default - no alarm
   */
  readonly alarm?: { readonly topics: AlarmTopics; /** e.g. `hexabid-production`: the alarm is `<prefix>-origin-health-check-failing`. */ readonly namePrefix: string };
}

/** Every default of {@link RegionalOriginProps}, applied in one place. */
export const REGIONAL_ORIGIN_DEFAULTS = { resourcePaths: ['/health', '/api/health'], requestIntervalSeconds: 30, failureThreshold: 3 } as const satisfies Partial<RegionalOriginProps>;

/** A region's origin name, which the wildcard Ingress rule serves and the certificate's wildcard covers. */
export function originHostName(region: string, domainName: string): string {
  return `origin-${region}.${domainName}`;
}

/**
 * One region's way in, named apart from the app's domain so Route53 can
 * probe it: the apex and wildcard are failover records that resolve to
 * whichever region is healthy, so a health check on them would probe
 * itself. The origin name is a plain alias of this region's load balancer;
 * the wildcard Ingress rule serves it, and the certificate's wildcard covers it.
 *
 * The health check exists before the load balancer does (it probes a name),
 * so the app's release can carry its ID; {@link routeTo} adds the alias once
 * the controller has made the load balancer.
 */
export class RegionalOrigin extends Construct {
  /** `origin-<region>.<domain>`. */
  readonly hostName: string;
  /** The calculated check that needs every path: what DNS failover follows. */
  readonly healthCheckId: string;
  /** The check of each path, by path. */
  readonly pathHealthCheckIds: Readonly<Record<string, string>>;
  private readonly props: RegionalOriginProps;

  constructor(scope: Construct, id: string, props: RegionalOriginProps) {
    super(scope, id);
    const p = withDefaults(props, REGIONAL_ORIGIN_DEFAULTS);
    requireProps(p.resourcePaths.length > 0, 'RegionalOrigin', id, 'resourcePaths must name at least one path');
    for (const path of p.resourcePaths) requireProps(path.startsWith('/'), 'RegionalOrigin', id, `resourcePaths: each must start with / (got "${path}")`);
    requireProps(new Set(p.resourcePaths).size === p.resourcePaths.length, 'RegionalOrigin', id, `resourcePaths must not repeat a path (got ${p.resourcePaths.join(', ')})`);
    requireProps(Number.isInteger(p.failureThreshold) && p.failureThreshold >= 1 && p.failureThreshold <= 10, 'RegionalOrigin', id, `failureThreshold must be 1 to 10, Route53's range (got ${p.failureThreshold})`);
    this.props = props;
    this.hostName = originHostName(p.region, p.domainName);
    const checks = p.resourcePaths.map(
      (path) =>
        [
          path,
          new Route53HealthCheck(this, path === '/health' ? 'HealthCheck' : `HealthCheck${path.replace(/[^A-Za-z0-9]/g, '-')}`, {
            type: 'HTTPS',
            fqdn: this.hostName,
            port: 443,
            resourcePath: path,
            // The ALB picks the certificate by SNI; without it the handshake fails before the path is asked for.
            enableSni: true,
            requestInterval: p.requestIntervalSeconds,
            failureThreshold: p.failureThreshold,
            measureLatency: true,
            tags: { Name: `${this.hostName}${path}` },
          }),
        ] as const,
    );
    this.pathHealthCheckIds = Object.fromEntries(checks.map(([path, check]) => [path, check.id]));
    // Healthy only while every path is: a frontend that answers over a dead api is not serving
    // (Amazon Route 53, "Creating health checks that monitor other health checks").
    const check = new Route53HealthCheck(this, 'AllPaths', {
      type: 'CALCULATED',
      childHealthchecks: checks.map(([, c]) => c.id),
      childHealthThreshold: checks.length,
      tags: { Name: `${this.hostName} (${p.resourcePaths.join(', ')})` },
    });
    this.healthCheckId = check.id;
    if (props.alarm) {
      metricAlarm(this, 'Alarm', {
        alarmName: `${props.alarm.namePrefix}-origin-health-check-failing`,
        summary: `${this.hostName} fails Route53's health check: DNS sends ${p.domainName} to the standby region if it has one.`,
        detail: `HTTPS ${p.resourcePaths.join(' or ')} on ${this.hostName} failed ${p.failureThreshold} probes in a row from most checker regions. Start from the incident checklist; a regional outage is docs/DISASTER-RECOVERY.md.`,
        runbook: 'incident-response',
        severity: 'critical',
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        dimensions: { HealthCheckId: check.id },
        statistic: 'Minimum',
        periodSeconds: 60,
        evaluationPeriods: 2,
        comparisonOperator: 'LessThanThreshold',
        threshold: 1,
        // Route53 reports every minute; silence means the check itself is gone.
        treatMissingData: 'breaching',
        region: HEALTH_CHECK_METRICS_REGION,
      }, props.alarm.topics);
    }
  }

  /** Points the origin name at this region's load balancer. */
  routeTo(loadBalancer: { readonly dnsName: string; readonly zoneId: string }): Route53Record {
    return new Route53Record(this, 'Record', {
      zoneId: this.props.hostedZoneId,
      name: this.hostName,
      type: 'A',
      alias: { name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true },
    });
  }
}
