import { parseArn } from './arn.ts';
import type { Inventory, ResourceEntry } from './inventory.ts';
import type { Policy } from './types.ts';

/** What a request's resource is: its entry (if the stacks create it), policies, account and region. */
export interface ResolvedResource {
  readonly arn: string;
  readonly entry?: ResourceEntry;
  readonly policies: readonly Policy[];
  readonly account: string;
  readonly region?: string;
  /** Tags AWS reads as `aws:ResourceTag/...` (not an S3 object's bucket tags). */
  readonly tags: Readonly<Record<string, string>>;
  readonly kind: 'kms-key' | 'role' | 'other';
}

/** Services whose resources live in no region; requests to them are signed for us-east-1. */
const GLOBAL_SERVICES = new Set(['iam', 'sts', 'route53', 'cloudfront', 'organizations']);

/**
 * Finds the resource behind an ARN as AWS authorizes it: an S3 object by its
 * bucket, a log stream or `:*` form by its log group, a path under an
 * OpenSearch domain by the domain, a qualified function by the function.
 */
export class ResourceIndex {
  private readonly byArn = new Map<string, ResourceEntry>();

  constructor(private readonly inventory: Inventory) {
    for (const entry of inventory.resources) if (!this.byArn.has(entry.arn)) this.byArn.set(entry.arn, entry);
  }

  /** The entry of an ARN the stacks create, matched exactly. */
  get(arn: string): ResourceEntry | undefined {
    return this.byArn.get(arn);
  }

  /** Every entry. */
  all(): readonly ResourceEntry[] {
    return [...this.byArn.values()];
  }

  private owner(arn: string): ResourceEntry | undefined {
    const exact = this.byArn.get(arn);
    if (exact) return exact;
    const p = parseArn(arn);
    if (!p) return undefined;
    const base = `arn:${p.partition}:${p.service}:${p.region}:${p.account}:`;
    switch (p.service) {
      case 's3': {
        const bucket = p.resource.split('/')[0]!;
        return this.byArn.get(`${base}${bucket}`);
      }
      case 'logs': {
        const m = /^log-group:(.+?)(?::\*|:log-stream:.*)?$/.exec(p.resource);
        return m ? this.byArn.get(`${base}log-group:${m[1]}`) : undefined;
      }
      case 'es': {
        const m = /^domain\/([^/]+)/.exec(p.resource);
        return m ? this.byArn.get(`${base}domain/${m[1]}`) : undefined;
      }
      case 'lambda': {
        const m = /^function:([^:]+)/.exec(p.resource);
        return m ? this.byArn.get(`${base}function:${m[1]}`) : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * Resolves a request's resource. An ARN the stacks do not create is taken
   * at its word (account and region from the ARN, no resource policy), except
   * that an account must be known: give `aws:ResourceAccount` for a bucket
   * the stacks do not create.
   */
  resolve(arn: string, accountHint?: string): ResolvedResource {
    const p = parseArn(arn);
    const entry = this.owner(arn);
    const objectLevel = entry?.type === 'aws_s3_bucket' && entry.arn !== arn;
    let policies: readonly Policy[] = entry?.policies ?? [];
    let account = entry?.account ?? (p?.account || accountHint);
    if (!entry && p?.service === 'logs' && p.account) {
      policies = this.inventory.logResourcePolicies.get(`${p.account}/${p.region}`) ?? [];
    }
    if (arn === '*') account = accountHint;
    if (!account) {
      throw new Error(`cannot tell the account of ${arn}: it is not created by the given stacks; pass aws:ResourceAccount in the context`);
    }
    const region = entry?.region ?? (p?.region || (p && GLOBAL_SERVICES.has(p.service) ? 'us-east-1' : undefined));
    const kind = p?.service === 'kms' && p.resource.startsWith('key/') ? 'kms-key' : p?.service === 'iam' && p.resource.startsWith('role/') ? 'role' : 'other';
    return { arn, ...(entry ? { entry } : {}), policies, account, ...(region ? { region } : {}), tags: objectLevel ? {} : entry?.tags ?? {}, kind };
  }
}
