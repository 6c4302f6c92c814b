/**
 * Monthly budgets. An environment's config may carry `budgetUsdPerMonth`;
 * the field is read when present, so configs without it still work.
 */

export interface BudgetStatus {
  readonly budgetUsd: number;
  readonly estimateUsd: number;
  readonly status: 'under' | 'over';
  /** Budget minus estimate: negative when over. */
  readonly headroomUsd: number;
  /** The estimate with every node group at its maximum, and whether that passes the budget too. */
  readonly atMaxUsd: number;
  readonly atMaxStatus: 'under' | 'over';
}

/** A config's monthly budget: `budgetUsdPerMonth`, a positive number, or undefined when the config has none. */
export function budgetOf(config: unknown): number | undefined {
  if (typeof config !== 'object' || config === null || !('budgetUsdPerMonth' in config)) return undefined;
  const value = (config as { readonly budgetUsdPerMonth?: unknown }).budgetUsdPerMonth;
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`budgetUsdPerMonth must be a positive number of US dollars, not ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * An estimate against its budget, at the node groups' desired sizes and at
 * their maxima: a budget the maximum would break is reported, not passed in silence.
 */
export function budgetStatus(budgetUsd: number, estimateUsd: number, atMaxUsd: number = estimateUsd): BudgetStatus {
  return {
    budgetUsd,
    estimateUsd,
    status: estimateUsd > budgetUsd ? 'over' : 'under',
    headroomUsd: budgetUsd - estimateUsd,
    atMaxUsd,
    atMaxStatus: atMaxUsd > budgetUsd ? 'over' : 'under',
  };
}
