/**
 * Environments the estimator prices that are not deployed as such: a
 * deployed environment synthesized at another size, to see what it would
 * cost. Each is synthesized into `<outdir>/cost-scenarios/<name>/`.
 */
import { ENVIRONMENTS } from '../../environments/index.ts';
import { productionAt } from '../../environments/production.ts';
import type { EnvironmentConfig } from '../../environments/types.ts';

export interface CostScenario {
  /** The name the estimate goes by, and its usage file's (tools/cost/usage/<name>.yaml). */
  readonly name: string;
  /** The environment it resizes. */
  readonly basedOn: string;
  readonly description: string;
  readonly config: () => EnvironmentConfig;
}

export const SCENARIOS: readonly CostScenario[] = [
  {
    name: 'production-1000-tenants',
    basedOn: 'production',
    description: "production at the capacity plan's scaled1000Tenants sizing (environments/presets.ts)",
    config: () => productionAt('scaled1000Tenants'),
  },
  {
    name: 'production-cost-optimised',
    basedOn: 'production',
    description: 'production at the launch capacity on denser app nodes and Spot workers (costOptimised in environments/presets.ts)',
    config: () => productionAt('costOptimised'),
  },
];

/** Where a scenario's stacks are synthesized under an output directory. */
export function scenarioOutdir(outdir: string, name: string): string {
  return `${outdir}/cost-scenarios/${name}`;
}

/** The config an estimate belongs to, for its budget: a deployed environment's or a scenario's. */
export function configFor(name: string): EnvironmentConfig | undefined {
  return SCENARIOS.find((s) => s.name === name)?.config() ?? ENVIRONMENTS.find((e) => e.name === name);
}
