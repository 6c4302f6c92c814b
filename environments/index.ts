import { dev } from './dev.ts';
import { production } from './production.ts';
import { productionDr } from './production-dr.ts';
import { staging } from './staging.ts';
import type { EnvironmentConfig } from './types.ts';

export type { EnvironmentConfig } from './types.ts';
export { ConfigValidationError, validateDistinctEnvironments, validateEnvironment } from './validate.ts';

/**
 * Every environment, in deploy order. A standby (production-dr) is
 * synthesized, planned and tested like the others; only its standby stack is
 * applied before a failover (docs/DISASTER-RECOVERY.md).
 */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, production, productionDr];

/** Raised for a HEXABID_ENV that names no environment. */
export class UnknownEnvironmentError extends Error {
  constructor(readonly names: readonly string[]) {
    super(
      `Unknown environment${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} in HEXABID_ENV; ` +
        `valid names are: ${ENVIRONMENTS.map((e) => e.name).join(', ')}`,
    );
    this.name = 'UnknownEnvironmentError';
  }
}

/**
 * The environments a comma-separated selector names (HEXABID_ENV), or all of
 * them when it is empty. Order follows the selector.
 */
export function selectEnvironments(selector: string | undefined): EnvironmentConfig[] {
  const names = (selector ?? '').split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  if (names.length === 0) return [...ENVIRONMENTS];
  const unknown = names.filter((n) => !ENVIRONMENTS.some((e) => e.name === n));
  if (unknown.length > 0) throw new UnknownEnvironmentError(unknown);
  return [...new Set(names)].map((n) => ENVIRONMENTS.find((e) => e.name === n) as EnvironmentConfig);
}
