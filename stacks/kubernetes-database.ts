import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { MONITORING_CHART_DIR } from '../lib/chart-path.ts';
import { AddonRelease } from '../modules/kubernetes/addons/addon-release.ts';
import { DatabaseBootstrap } from '../modules/kubernetes/database-bootstrap.ts';

/** The Kubernetes Secrets the user-creation job reads, each from one Secrets Manager secret. */
export const DATABASE_BOOTSTRAP_SECRETS = {
  master: 'database-master',
  migrator: 'database-migrator',
  app: 'database-app',
  appReadonly: 'database-app-readonly',
} as const;

export interface DatabaseUsersWiring {
  readonly namespace: string;
  readonly host: string;
  readonly dbName: string;
  readonly secretStoreName: string;
  /** Secrets Manager name or ARN of each credential. */
  readonly remoteSecrets: Readonly<Record<keyof typeof DATABASE_BOOTSTRAP_SECRETS, string>>;
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * Creates the app's PostgreSQL users from inside the cluster: External Secrets
 * copies the four credentials into the system namespace (re-read every minute,
 * so the job never sets a password a rotation has just replaced), then a Job
 * connects as the master and creates or updates the users and their grants.
 */
export function createDatabaseUsers(scope: Construct, w: DatabaseUsersWiring): DatabaseBootstrap {
  const credentials = new AddonRelease(scope, 'DatabaseCredentials', {
    releaseName: 'database-credentials',
    namespace: w.namespace,
    chart: { directory: MONITORING_CHART_DIR },
    values: {
      secretStore: w.secretStoreName,
      refreshInterval: '1m',
      externalSecrets: Object.entries(DATABASE_BOOTSTRAP_SECRETS).map(([user, name]) => ({
        name,
        data: ['username', 'password'].map((key) => ({ key, remoteKey: w.remoteSecrets[user as keyof typeof DATABASE_BOOTSTRAP_SECRETS], property: key })),
      })),
    },
    dependsOn: w.dependsOn,
  });
  return new DatabaseBootstrap(scope, 'DatabaseBootstrap', {
    namespace: w.namespace,
    host: w.host,
    dbName: w.dbName,
    masterSecretName: DATABASE_BOOTSTRAP_SECRETS.master,
    migratorSecretName: DATABASE_BOOTSTRAP_SECRETS.migrator,
    appSecretName: DATABASE_BOOTSTRAP_SECRETS.app,
    appReadonlySecretName: DATABASE_BOOTSTRAP_SECRETS.appReadonly,
    dependsOn: [credentials],
  });
}
