import { join, resolve } from 'node:path';

/** The HexaBid chart's directory, wherever the app runs from. */
export const CHART_DIR = resolve(__dirname, '..', 'helm', 'hexabid');

/** A file of the HexaBid chart, e.g. `values-production.yaml`. */
export function chartFile(name: string): string {
  return join(CHART_DIR, name);
}

/** The platform chart (the ClusterSecretStore), installed from disk. */
export const PLATFORM_CHART_DIR = resolve(__dirname, '..', 'helm', 'platform');

/** The local chart of ExternalSecrets, alert rules and dashboards (monitoring, database bootstrap), installed from disk. */
export const MONITORING_CHART_DIR = resolve(__dirname, '..', 'helm', 'monitoring');
