import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { withDefaults } from '../../internal/props.ts';
import { AddonRelease, type HelmChartSource, type HelmValues } from '../addons/addon-release.ts';
import { CRITICAL_ADDON_PLACEMENT } from '../addons/addon-defaults.ts';

/** A PostgreSQL instance to export, and the Secret with its credential (`username`, `password`). */
export interface PostgresTarget {
  /** Becomes the release name (`postgres-exporter`, `postgres-exporter-replica`) and so the `job` label. */
  readonly releaseName: string;
  readonly host: string;
  readonly database: string;
  readonly credentialSecretName: string;
}

export interface DatastoreExportersProps {
  readonly namespace: string;
  readonly postgresChart: HelmChartSource;
  readonly redisChart: HelmChartSource;
  /** The primary, then each read replica (replica lag is read on the replica). */
  readonly postgres: readonly PostgresTarget[];
  /** The cache's primary endpoint; reached over TLS. */
  readonly redisHost: string;
  /** The Secret with the cache's AUTH token under `password`. */
  readonly redisCredentialSecretName: string;
  /**
   * The redis_exporter image tag. The chart's default (v1.89.0) could not be
   * confirmed as released; v1.88.0 is the newest tag read at its source.
   * @default 'v1.88.0'
   */
  readonly redisExporterImageTag?: string;
  /** What must exist first: the CRDs of the ServiceMonitors, and the credential Secrets. @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link DatastoreExportersProps}, applied in one place. */
export const DATASTORE_EXPORTERS_DEFAULTS = {
  redisExporterImageTag: 'v1.88.0',
  dependsOn: [],
} as const satisfies Partial<DatastoreExportersProps>;

/** Restricted Pod Security: non-root, no privilege, read-only root, no capabilities. */
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/**
 * One postgres_exporter per database instance and one redis_exporter for the
 * cache, each scraped through its ServiceMonitor. Credentials come from
 * Secrets that External Secrets fills from Secrets Manager; nothing of them
 * is in the values.
 */
export class DatastoreExporters extends Construct {
  readonly releases: AddonRelease[];

  constructor(scope: Construct, id: string, props: DatastoreExportersProps) {
    super(scope, id);
    const p = withDefaults(props, DATASTORE_EXPORTERS_DEFAULTS);
    const resources = { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '128Mi' } };

    this.releases = p.postgres.map((target) => {
      const values: HelmValues = {
        // One scraper per instance: a second would only double the load on the database.
        replicaCount: 1,
        config: {
          datasource: {
            host: target.host,
            port: '5432',
            database: target.database,
            // RDS forces TLS (rds.force_ssl); the exporter verifies nothing more than encryption.
            sslmode: 'require',
            userSecret: { name: target.credentialSecretName, key: 'username' },
            passwordSecret: { name: target.credentialSecretName, key: 'password' },
          },
          logFormat: 'json',
        },
        serviceMonitor: { enabled: true, interval: '30s' },
        securityContext: RESTRICTED_CONTAINER,
        resources,
        ...CRITICAL_ADDON_PLACEMENT,
      };
      return new AddonRelease(this, `Postgres-${target.releaseName}`, {
        releaseName: target.releaseName,
        namespace: p.namespace,
        chart: p.postgresChart,
        values,
        dependsOn: p.dependsOn,
      });
    });

    const redis: HelmValues = {
      replicaCount: 1,
      image: { tag: p.redisExporterImageTag },
      redisAddress: `rediss://${p.redisHost}:6379`,
      // The token belongs to the default user, so no user name.
      auth: { enabled: true, secret: { name: p.redisCredentialSecretName, key: 'password' } },
      // ElastiCache refuses CONFIG; skip those metrics instead of logging an error each scrape.
      extraArgs: { 'config-command': '-' },
      serviceMonitor: { enabled: true, interval: '30s' },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: RESTRICTED_CONTAINER,
      resources,
      ...CRITICAL_ADDON_PLACEMENT,
    };
    this.releases.push(
      new AddonRelease(this, 'Redis', { releaseName: 'redis-exporter', namespace: p.namespace, chart: p.redisChart, values: redis, dependsOn: p.dependsOn }),
    );
  }
}
