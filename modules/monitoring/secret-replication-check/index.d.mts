/** Types of index.mjs, for the TypeScript that tests it; not packaged into the Lambda. */

export const NAMESPACE: string;
export const METRIC_NAME: string;

export interface ReplicationStatus {
  readonly Region?: string;
  readonly Status?: string;
  readonly StatusMessage?: string;
}

export interface SecretDescription {
  readonly ReplicationStatus?: readonly ReplicationStatus[];
}

export interface CopyNotInSync {
  readonly secret: string;
  readonly region: string;
  readonly status: string;
  readonly message: string;
}

export interface ReplicatedSecret {
  readonly secretId: string;
  readonly regions: readonly string[];
}

export interface CheckConfig {
  readonly secrets: readonly ReplicatedSecret[];
  readonly checkName: string;
}

export interface MetricInput {
  readonly Namespace: string;
  readonly MetricData: readonly { readonly MetricName: string; readonly Dimensions: readonly { Name: string; Value: string }[]; readonly Value: number; readonly Unit: string }[];
}

export function readConfig(env: Readonly<Record<string, string | undefined>>): CheckConfig;
export function copiesNotInSync(secretId: string, description: SecretDescription, regions: readonly string[]): CopyNotInSync[];
export function createHandler(deps?: {
  env?: Readonly<Record<string, string | undefined>>;
  describe?: (secretId: string) => Promise<SecretDescription>;
  putMetric?: (input: MetricInput) => Promise<unknown>;
  log?: { log: (line: string) => void; warn: (line: string) => void };
}): () => Promise<{ notInSync: number }>;
export function handler(): Promise<{ notInSync: number }>;
