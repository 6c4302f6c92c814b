/**
 * What CI's deploy jobs need to know of the environments, from the same
 * config the stacks come from: each environment's region, its account's plan
 * role, its apply role and its stacks in apply order. Printed as `key=value`
 * lines, the format of $GITHUB_OUTPUT.
 *
 *   npm run --silent ci:targets >> "$GITHUB_OUTPUT"
 *
 * staging_region=ap-south-1
 * staging_plan_role=arn:aws:iam::<non-production>:role/hexabid-ci-plan
 * staging_apply_role=arn:aws:iam::<non-production>:role/hexabid-ci-apply-staging
 * staging_stacks=hexabid-staging hexabid-staging-k8s
 * production_plan_role=arn:aws:iam::<production>:role/hexabid-ci-plan
 * production_stacks=hexabid-production hexabid-production-k8s hexabid-production-dr-standby
 * production-dr_stacks=hexabid-production-dr-standby   (the rest apply on failover only)
 * dev_awake=false                                       (out of its off-hours schedule's working hours)
 *
 * `<env>_awake` is false while an environment with `cluster.offHours` is
 * stopped, or about to stop: its deploy job then waits for the weekday
 * morning's catch-up run instead of failing on a cluster with no nodes.
 */
import { accountOf, ciApplyRoleName, ROLE_NAMES, roleArn } from '../../../environments/account.ts';
import { noArguments, startCli, type CliDefinition } from '../../../lib/cli.ts';
import { isAwake } from '../../../lib/cron.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { deployedStackNames } from '../../../environments/stack-names.ts';

/** The outputs, as ordered key/value pairs. */
export function ciTargets(now: Date = new Date()): [string, string][] {
  const lines: [string, string][] = [];
  for (const environment of ENVIRONMENTS) {
    const account = accountOf(environment);
    lines.push([`${environment.name}_region`, environment.region]);
    lines.push([`${environment.name}_plan_role`, roleArn(ROLE_NAMES.ciPlan, account)]);
    lines.push([`${environment.name}_apply_role`, roleArn(ciApplyRoleName(environment.name), account)]);
    lines.push([`${environment.name}_stacks`, deployedStackNames(environment).join(' ')]);
    const offHours = environment.cluster.offHours;
    lines.push([`${environment.name}_awake`, String(!offHours || isAwake(offHours, now))]);
  }
  return lines;
}

export const cli: CliDefinition<void> = {
  usage: 'usage: npm run --silent ci:targets >> "$GITHUB_OUTPUT"   (takes no arguments)',
  parse: noArguments,
  run: () => {
    for (const [key, value] of ciTargets()) console.log(`${key}=${value}`);
  },
};
if (require.main === module) startCli(cli);
