// Checks that each listed secret has an in-sync copy in every replica region,
// and publishes how many copies are not (missing, failed or still in
// progress) as one CloudWatch metric, whose alarm pages. Secrets Manager
// publishes no metric or event for replication, so it is read with
// DescribeSecret (AWS Secrets Manager, "Monitor cross-account replication":
// call DescribeSecret periodically and check ReplicationStatus). Node.js 22
// built-ins and the AWS SDK v3 that the Lambda runtime ships; nothing is bundled.
//
// Configuration, from the Lambda environment:
//   REPLICATED_SECRETS  JSON: [{"secretId": "<name or ARN>", "regions": ["<region>", ...]}, ...],
//                       each secret and the regions it must have an in-sync copy in
//   CHECK_NAME          the metric's `Check` dimension, e.g. hexabid-production
//
// A secret it cannot describe fails the run and publishes nothing: the
// alarm treats a missing datapoint as a failure too.

export const NAMESPACE = 'Hexabid/SecretsManager';
export const METRIC_NAME = 'ReplicasNotInSync';

/** Reads the check's settings; throws, naming the variable, when one is missing or malformed. */
export function readConfig(env) {
  let secrets;
  try {
    secrets = JSON.parse(env.REPLICATED_SECRETS ?? '');
  } catch {
    throw new Error('REPLICATED_SECRETS must be JSON: [{"secretId": "...", "regions": ["..."]}]');
  }
  const valid = Array.isArray(secrets) && secrets.length > 0 && secrets.every((s) => typeof s?.secretId === 'string' && s.secretId !== '' && Array.isArray(s.regions) && s.regions.length > 0);
  if (!valid) throw new Error('REPLICATED_SECRETS must name at least one secret, each with at least one region');
  if (!env.CHECK_NAME) throw new Error('CHECK_NAME must name the check (the metric dimension)');
  return { secrets, checkName: env.CHECK_NAME };
}

/**
 * The copies that are not in sync, one entry per secret and expected region:
 * a region with no copy, or one whose status is not `InSync`.
 */
export function copiesNotInSync(secretId, description, regions) {
  const statuses = description.ReplicationStatus ?? [];
  return regions.flatMap((region) => {
    const copy = statuses.find((s) => s.Region === region);
    if (!copy) return [{ secret: secretId, region, status: 'Missing', message: 'no copy in this region' }];
    if (copy.Status === 'InSync') return [];
    return [{ secret: secretId, region, status: copy.Status ?? 'Unknown', message: copy.StatusMessage ?? '' }];
  });
}

let clients;

async function awsClients() {
  if (!clients) {
    const [{ SecretsManagerClient, DescribeSecretCommand }, { CloudWatchClient, PutMetricDataCommand }] = await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('@aws-sdk/client-cloudwatch'),
    ]);
    const secrets = new SecretsManagerClient({});
    const cloudwatch = new CloudWatchClient({});
    clients = {
      describe: (secretId) => secrets.send(new DescribeSecretCommand({ SecretId: secretId })),
      putMetric: (input) => cloudwatch.send(new PutMetricDataCommand(input)),
    };
  }
  return clients;
}

/** A handler with its dependencies injected: `describe(secretId)`, `putMetric(input)` and the environment. */
export function createHandler({ env = process.env, describe, putMetric, log = console } = {}) {
  const config = readConfig(env);
  return async function handler() {
    const aws = describe && putMetric ? { describe, putMetric } : await awsClients();
    const problems = [];
    for (const { secretId, regions } of config.secrets) {
      let description;
      try {
        description = await aws.describe(secretId);
      } catch (error) {
        throw new Error(`cannot describe secret ${secretId} (${error.name}): nothing was published, so the alarm fires`);
      }
      problems.push(...copiesNotInSync(secretId, description, regions));
    }
    for (const problem of problems) log.warn(JSON.stringify({ message: 'copy not in sync', ...problem }));
    await aws.putMetric({
      Namespace: NAMESPACE,
      MetricData: [{ MetricName: METRIC_NAME, Dimensions: [{ Name: 'Check', Value: config.checkName }], Value: problems.length, Unit: 'Count' }],
    });
    log.log(JSON.stringify({ message: 'checked', secrets: config.secrets.length, notInSync: problems.length }));
    return { notInSync: problems.length };
  };
}

let defaultHandler;

/** The Lambda entry point: the real environment and AWS clients. */
export async function handler() {
  defaultHandler ??= createHandler();
  return defaultHandler();
}
