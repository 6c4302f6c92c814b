import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { Construct } from 'constructs';
import { requireProps } from '../internal/props.ts';

export interface CostAllocationTagsProps {
  /** User-defined tag keys to activate, e.g. `environment`. */
  readonly tagKeys: readonly string[];
}

/**
 * Activates user-defined tags for cost allocation, which AWS Budgets and Cost
 * Explorer need before they can filter on them: a budget on an inactive tag
 * sees no cost at all. AWS offers a tag for activation only once it has been
 * used, up to a day later ("Activating user-defined cost allocation tags"):
 * on a new account the activation fails until then, so the first apply of the
 * account's stack leaves this out, and the next one activates.
 */
export class CostAllocationTags extends Construct {
  constructor(scope: Construct, id: string, props: CostAllocationTagsProps) {
    super(scope, id);
    requireProps(props.tagKeys.length > 0, 'CostAllocationTags', id, 'tagKeys must name at least one tag');
    for (const tagKey of props.tagKeys) {
      requireProps(!tagKey.startsWith('aws:'), 'CostAllocationTags', id, `tagKeys: "${tagKey}" is AWS's; only user-defined tags are activated here`);
      new CeCostAllocationTag(this, `Tag-${tagKey}`, { tagKey, status: 'Active' });
    }
  }
}
