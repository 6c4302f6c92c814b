import type { PolicyStatement } from '../../internal/iam.ts';

/** The HTTP verbs of the snapshot API. */
export const SNAPSHOT_HTTP_ACTIONS = ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpDelete'] as const;

/**
 * What the jobs' role may do: the domain's `_snapshot` API (IAM matches the request
 * path, `arn:aws:es:region:account:domain/name/path`), and pass the repository role to
 * OpenSearch Service, which registering a repository requires (AWS, "Prerequisites").
 * With `waitForRestore`, also read cluster health, which a restore polls until its
 * shards are back (nothing under `_snapshot` reports a restore's progress), and
 * put the one cluster setting a restore holds, `action.auto_create_index`.
 */
export function snapshotStatements(domainArn: string, repositoryRoleArn: string, options: { readonly waitForRestore: boolean }): PolicyStatement[] {
  return [
    { Sid: 'SnapshotApi', Effect: 'Allow', Action: [...SNAPSHOT_HTTP_ACTIONS], Resource: [`${domainArn}/_snapshot`, `${domainArn}/_snapshot/*`] },
    {
      Sid: 'PassRepositoryRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: repositoryRoleArn,
      Condition: { StringEquals: { 'iam:PassedToService': 'es.amazonaws.com' } },
    },
    ...(options.waitForRestore
      ? [
          // Whole-cluster and per-index health: which of a snapshot's indices exist, and when they are back.
          { Sid: 'WaitForRestore', Effect: 'Allow' as const, Action: 'es:ESHttpGet', Resource: [`${domainArn}/_cluster/health`, `${domainArn}/_cluster/health/*`] },
          // action.auto_create_index, held off while a restore has not run.
          { Sid: 'HoldIndexCreation', Effect: 'Allow' as const, Action: 'es:ESHttpPut', Resource: `${domainArn}/_cluster/settings` },
        ]
      : []),
  ];
}
