import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';
import type { AlarmTopics, AlertSeverity } from './alarm-topics.ts';

/** When the budget tells someone: the spend so far, or AWS's forecast for the month, past a share of the limit. */
export interface BudgetAlert {
  readonly kind: 'ACTUAL' | 'FORECASTED';
  /** Percent of the monthly limit. */
  readonly percent: number;
  readonly severity: AlertSeverity;
}

export interface CostBudgetProps {
  /** The budget's name, unique in the account, e.g. `hexabid-production`. */
  readonly budgetName: string;
  /** The monthly limit in US dollars. */
  readonly limitUsdPerMonth: number;
  /**
   * The cost allocation tag whose value marks this budget's costs, e.g.
   * `{ key: 'environment', value: 'production' }`. The tag must be active for
   * cost allocation (`CostAllocationTags`), or the budget sees nothing.
   */
  readonly tag: { readonly key: string; readonly value: string };
  /**
   * The topics of each severity; they must admit AWS Budgets (`Alerting`'s
   * `acceptCostNotifications`).
   */
  readonly topics: AlarmTopics;
  /**
   * @default - 80 % spent (warning), 100 % forecast (warning), 100 % spent (critical)
   */
  readonly alerts?: readonly BudgetAlert[];
}

/** Every default of {@link CostBudgetProps}, applied in one place. */
export const COST_BUDGET_DEFAULTS = {
  alerts: [
    { kind: 'ACTUAL', percent: 80, severity: 'warning' },
    { kind: 'FORECASTED', percent: 100, severity: 'warning' },
    { kind: 'ACTUAL', percent: 100, severity: 'critical' },
  ],
} as const satisfies Partial<CostBudgetProps>;

/**
 * An AWS Budgets cost budget on the costs of one cost allocation tag value,
 * with notifications to the alerting topics: the real bill, watched, where
 * `npm run cost` only estimates it. AWS Budgets publishes to SNS topics whose
 * policy admits `budgets.amazonaws.com` (AWS Cost Management, "Creating an
 * Amazon SNS topic for budget notifications"); budgets without actions cost
 * nothing. The forwarder relays its plain-text message as it is.
 */
export class CostBudget extends Construct {
  readonly budgetName: string;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const p = withDefaults(props, COST_BUDGET_DEFAULTS);
    requireProps(Number.isFinite(p.limitUsdPerMonth) && p.limitUsdPerMonth > 0, 'CostBudget', id, `limitUsdPerMonth must be more than 0 (got ${p.limitUsdPerMonth})`);
    requireProps(p.alerts.length > 0, 'CostBudget', id, 'alerts must name at least one notification');
    for (const alert of p.alerts) requireProps(alert.percent > 0 && alert.percent <= 1000, 'CostBudget', id, `alerts: percent must be from 1 to 1000 (got ${alert.percent})`);
    const budget = new BudgetsBudget(this, 'Budget', {
      name: p.budgetName,
      budgetType: 'COST',
      limitAmount: String(p.limitUsdPerMonth),
      limitUnit: 'USD',
      timeUnit: 'MONTHLY',
      // Budgets name a user-defined cost allocation tag `user:<key>`, and a value `<key>$<value>`.
      costFilter: [{ name: 'TagKeyValue', values: [`user:${p.tag.key}$${p.tag.value}`] }],
      notification: p.alerts.map((alert) => ({
        notificationType: alert.kind,
        comparisonOperator: 'GREATER_THAN',
        threshold: alert.percent,
        thresholdType: 'PERCENTAGE',
        subscriberSnsTopicArns: [p.topics[alert.severity]],
      })),
    });
    this.budgetName = budget.name;
  }
}
