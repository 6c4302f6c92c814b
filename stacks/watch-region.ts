import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types.ts';
import { HEALTH_CHECK_METRICS_REGION } from '../modules/edge/regional-origin.ts';
import { alertmanagerRoleName, AlertmanagerHeartbeat, heartbeatTopicName } from '../modules/monitoring/alertmanager-heartbeat.ts';
import { ALERT_RECEIVERS, type AlertReceiver } from '../modules/monitoring/alarm-topics.ts';
import { Alerting, alertingKeyAliasName } from '../modules/monitoring/alerting.ts';
import { EncryptionKey } from '../modules/security/kms-key.ts';
import type { SecretReplica } from '../modules/security/secret-replica.ts';
import { infrastructureStackName } from '../environments/stack-names.ts';

/**
 * The watch region of an environment with disaster recovery: where the alarms
 * live that must page while its own region is down. It is us-east-1, where
 * Route53 publishes the health checks' metrics (Amazon Route 53, "Monitoring
 * health checks using CloudWatch"): the failover's first page has to come from
 * there anyway, so the watch region adds no region HexaBid depends on.
 */
export const WATCH_REGION = HEALTH_CHECK_METRICS_REGION;

/** The name prefix of the watch region's alerting, e.g. `hexabid-production-us-east-1`. */
export function watchAlertingPrefix(primaryPrefix: string): string {
  return `${primaryPrefix}-${WATCH_REGION}`;
}

/** The primary environment a standby or a primary with DR belongs to, or undefined for the others. */
function watchedPrimary(config: EnvironmentConfig): string | undefined {
  if (config.disasterRecovery) return config.name;
  return config.standbyFor?.primary;
}

/**
 * Where an environment's Alertmanager sends its heartbeat (the Watchdog), named
 * so that a standby finds its primary's without reading its state: the
 * production side and the standby share one switch, which pages when neither
 * cluster's Alertmanager is alive. Undefined for environments that page nobody.
 */
export function heartbeatTarget(config: EnvironmentConfig): { topicArn: string; region: string; kmsKeyAlias: string } | undefined {
  const primary = watchedPrimary(config);
  if (!primary) return undefined;
  const prefix = infrastructureStackName({ name: primary });
  return {
    topicArn: `arn:aws:sns:${WATCH_REGION}:${config.accountId}:${heartbeatTopicName(prefix)}`,
    region: WATCH_REGION,
    kmsKeyAlias: `alias/${alertingKeyAliasName(watchAlertingPrefix(prefix))}`,
  };
}

/**
 * The copies of the receiver credentials in the watch region: a key there,
 * which the primary's alerting replicates its secrets under, so ops put each
 * value once and the watch region's forwarder reads it while the primary
 * region is down.
 */
export function credentialCopies(scope: Construct, prefix: string): SecretReplica {
  const key = new EncryptionKey(scope, 'AlertingCredentialCopiesKey', {
    aliasName: `${prefix}-alerting-credentials-${WATCH_REGION}`,
    description: `Encrypts the copies in ${WATCH_REGION} of the ${prefix} alert receivers' credentials`,
    region: WATCH_REGION,
  });
  return { region: WATCH_REGION, kmsKeyArn: key.keyArn };
}

/**
 * Alerting in the watch region, beside the alarms that live there, with a
 * forwarder of its own reading the copies of the primary's credentials; and
 * the dead man's switch of the environment's Alertmanagers (and its standby's,
 * after a failover).
 */
export function watchRegionAlerting(
  scope: Construct,
  w: { config: EnvironmentConfig; prefix: string; secretNamePrefix: string; primary: Alerting; copies: SecretReplica },
): { alerting: Alerting; heartbeat: AlertmanagerHeartbeat } {
  // A replica's ARN is the primary's with the region changed (Secrets Manager, "Replicate secrets across Regions").
  const copyArn = (arn: string) => Fn.replace(arn, `:${w.config.region}:`, `:${WATCH_REGION}:`);
  const alerting = new Alerting(scope, 'WatchAlerting', {
    namePrefix: watchAlertingPrefix(w.prefix),
    secretNamePrefix: w.secretNamePrefix,
    receivers: w.config.monitoring.receivers,
    region: WATCH_REGION,
    logRetentionDays: w.config.cluster.logRetentionDays,
    credentials: {
      secretArns: Object.fromEntries(ALERT_RECEIVERS.map((r) => [r, copyArn(w.primary.secretArns[r])])) as Record<AlertReceiver, string>,
      secretNames: w.primary.secretNames,
      kmsKeyArn: w.copies.kmsKeyArn,
    },
  });
  const standby = w.config.disasterRecovery?.standbyEnvironment;
  const clusters = [w.prefix, ...(standby ? [infrastructureStackName({ name: standby })] : [])];
  const heartbeat = new AlertmanagerHeartbeat(scope, 'AlertmanagerHeartbeat', {
    namePrefix: w.prefix,
    region: WATCH_REGION,
    kmsKeyArn: alerting.topicsKmsKeyArn,
    topics: alerting.topicArns,
    publisherRoleArns: clusters.map((cluster) => `arn:aws:iam::${w.config.accountId}:role/${alertmanagerRoleName(cluster)}`),
  });
  return { alerting, heartbeat };
}
