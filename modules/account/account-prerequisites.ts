import { AccountRegion } from '@cdktf/provider-aws/lib/account-region';
import { DataAwsServicequotasServiceQuota } from '@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { ServicequotasServiceQuota } from '@cdktf/provider-aws/lib/servicequotas-service-quota';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { QuotaRequirement } from '../../lib/aws-catalog.ts';
import { requireProps, withDefaults } from '../internal/props.ts';

export interface AccountPrerequisitesProps {
  /**
   * Opt-in regions to enable (e.g. `ap-south-2`); resources there fail until they are.
   * @default []
   */
  readonly optInRegions?: readonly string[];
  /**
   * AWS services whose service-linked role must exist before their first
   * resource, because they do not create it themselves (OpenSearch in a VPC).
   * @default []
   */
  readonly serviceLinkedRoles?: readonly string[];
  /**
   * Quotas to raise where the account has less.
   * @default []
   */
  readonly quotas?: readonly QuotaRequirement[];
}

/** Every default of {@link AccountPrerequisitesProps}, applied in one place. */
export const ACCOUNT_PREREQUISITES_DEFAULTS = {
  optInRegions: [],
  serviceLinkedRoles: [],
  quotas: [],
} as const satisfies Partial<AccountPrerequisitesProps>;

/**
 * What an empty account lacks before the environments can apply: opt-in
 * regions, service-linked roles that no service creates on its own, and
 * quota headroom.
 *
 * A quota is requested at the larger of what the account has and what the
 * environments need, since Service Quotas refuses a request below the current
 * value. The request goes to AWS for approval: the first value is kept in
 * state (`ignore_changes`), so a pending request does not re-plan on every run.
 * To ask for more later, raise the need and apply with `-replace` on that quota.
 */
export class AccountPrerequisites extends Construct {
  /** Requested value per quota code, as Terraform expressions. */
  readonly quotaValues: Readonly<Record<string, number>>;
  /** The opt-in regions' enablement: anything built in one of them must depend on it. */
  readonly enabledRegions: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: AccountPrerequisitesProps = {}) {
    super(scope, id);
    const p = withDefaults(props, ACCOUNT_PREREQUISITES_DEFAULTS);
    const enabled = new Map(p.optInRegions.map((region) => [region, new AccountRegion(this, `Region-${region}`, { regionName: region, enabled: true })]));
    this.enabledRegions = [...enabled.values()];
    for (const service of p.serviceLinkedRoles) {
      new IamServiceLinkedRole(this, `ServiceLinkedRole-${service}`, { awsServiceName: service, description: `Created before the first ${service} resource` });
    }
    const values: Record<string, number> = {};
    for (const quota of p.quotas) {
      requireProps(Number.isInteger(quota.minimum) && quota.minimum > 0, 'AccountPrerequisites', id, `quotas ${quota.quotaCode}: minimum must be a positive whole number (got ${quota.minimum})`);
      // The stack's own region keeps the plain IDs (and addresses); another region's are suffixed with it.
      const key = quota.region ? `${quota.quotaCode}-${quota.region}` : quota.quotaCode;
      const region = quota.region;
      const regionEnabled = region ? enabled.get(region) : undefined;
      const dependsOn = regionEnabled ? [regionEnabled] : undefined;
      const current = new DataAwsServicequotasServiceQuota(this, `Current-${key}`, { serviceCode: quota.serviceCode, quotaCode: quota.quotaCode, region, dependsOn });
      const value = Fn.max([current.value, quota.minimum]);
      new ServicequotasServiceQuota(this, `Quota-${key}`, {
        serviceCode: quota.serviceCode,
        quotaCode: quota.quotaCode,
        region,
        value,
        lifecycle: { ignoreChanges: ['value'] },
        dependsOn,
      });
      values[key] = value;
    }
    this.quotaValues = values;
  }
}
