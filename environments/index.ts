import { dev } from './dev.ts';
import { production } from './production.ts';
import { productionDr } from './production-dr.ts';
import { staging } from './staging.ts';
import type { EnvironmentConfig } from './types.ts';

export type { EnvironmentConfig } from './types.ts';
export { ConfigValidationError, ConfigValidationErrors, validateAll, validateDistinctEnvironments, validateEnvironment } from './validate.ts';

/**
 * Every environment, in deploy order. A standby (production-dr) is
 * synthesized, planned and tested like the others; only its standby stack is
 * applied before a failover (docs/DISASTER-RECOVERY.md).
 */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, production, productionDr];

/** Raised for an environment name that names no environment. */
export class UnknownEnvironmentError extends Error {
  constructor(
    readonly names: readonly string[],
    /** Where the names came from, for the message. */
    readonly source: string = 'HEXABID_ENV',
  ) {
    super(
      `Unknown environment${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}${source ? ` in ${source}` : ''}; ` +
        `valid names are: ${ENVIRONMENTS.map((e) => e.name).join(', ')}`,
    );
    this.name = 'UnknownEnvironmentError';
  }
}

/**
 * The environments a comma-separated selector names (HEXABID_ENV, or a
 * script's argument: say which in `source`), or all of them when it is empty.
 * Order follows the selector.
 */
export function selectEnvironments(selector: string | undefined, source = 'HEXABID_ENV'): EnvironmentConfig[] {
  const names = (selector ?? '').split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  if (names.length === 0) return [...ENVIRONMENTS];
  const unknown = names.filter((n) => !ENVIRONMENTS.some((e) => e.name === n));
  if (unknown.length > 0) throw new UnknownEnvironmentError(unknown, source);
  return [...new Set(names)].map((n) => ENVIRONMENTS.find((e) => e.name === n) as EnvironmentConfig);
}

/** The one environment a script's argument names; an unknown name is a usage error (exit 2) that lists the valid ones. */
export function environmentNamed(name: string): EnvironmentConfig {
  const config = ENVIRONMENTS.find((e) => e.name === name);
  if (!config) throw new UnknownEnvironmentError([name], '');
  return config;
}
