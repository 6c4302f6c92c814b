import './lib/without-source-maps.ts';
import { userErrorMessage } from './lib/cli.ts';

/**
 * Synthesizes each account's bootstrap stack and the stacks of every
 * environment HEXABID_ENV names (all when unset). HEXABID_BOOTSTRAP_STATE=local
 * keeps the bootstraps' state in local files, for their first apply only.
 *
 * The config is loaded and validated before any stack module: a mistake in it
 * is reported in a line or two, without loading cdktf and the providers.
 */
function main(): void {
  const { ACCOUNTS, isExampleAccount } = load<typeof import('./environments/account.ts')>('./environments/account.ts');
  const { bootstrapConfig, validateAccounts, validateBootstrap } = load<typeof import('./environments/bootstrap.ts')>('./environments/bootstrap.ts');
  const { ConfigValidationError, ENVIRONMENTS, selectEnvironments, validateAll } = load<typeof import('./environments/index.ts')>('./environments/index.ts');
  const environments = selectEnvironments(process.env.HEXABID_ENV);
  const bootstrapState = process.env.HEXABID_BOOTSTRAP_STATE ?? '';
  if (!['', 's3', 'local'].includes(bootstrapState)) {
    throw new ConfigValidationError('bootstrap', [{ field: 'HEXABID_BOOTSTRAP_STATE', value: bootstrapState, allowed: 'must be "local" (the first bootstrap apply only), "s3" or unset' }]);
  }
  validateAccounts(ACCOUNTS);
  const bootstraps = ACCOUNTS.map((account) => bootstrapConfig(ENVIRONMENTS, account));
  bootstraps.forEach(validateBootstrap);
  validateAll(ENVIRONMENTS, environments);
  // Information, on stdout: the cdktf CLI shows an app's stderr as errors.
  if (isExampleAccount()) {
    console.log(`Note: synthesizing for the example accounts ${ACCOUNTS.map((a) => `${a.accountId} (${a.name})`).join(' and ')}. Set your account IDs in environments/account.ts before planning: the provider refuses any other account.`);
  }

  const { App } = load<typeof import('cdktf')>('cdktf');
  const { BootstrapStack } = load<typeof import('./stacks/bootstrap-stack.ts')>('./stacks/bootstrap-stack.ts');
  const { InfrastructureStack } = load<typeof import('./stacks/infrastructure-stack.ts')>('./stacks/infrastructure-stack.ts');
  const { KubernetesStack } = load<typeof import('./stacks/kubernetes-stack.ts')>('./stacks/kubernetes-stack.ts');
  const { StandbyStack } = load<typeof import('./stacks/standby-stack.ts')>('./stacks/standby-stack.ts');
  const app = new App();
  for (const bootstrap of bootstraps) new BootstrapStack(app, bootstrap, { localState: bootstrapState === 'local' });
  for (const config of environments) {
    // A standby's always-on stack (network, database replica) comes before what a failover builds on it.
    const standby = config.standbyFor ? new StandbyStack(app, config) : undefined;
    const infrastructure = new InfrastructureStack(app, config);
    if (standby) infrastructure.addDependency(standby);
    // `cdktf deploy` applies the cluster before what runs in it.
    new KubernetesStack(app, config).addDependency(infrastructure);
  }
  app.synth();
}

/** Errors that are the user's to fix: their message says what is wrong, so no stack trace. */
const USER_ERRORS = new Set(['ConfigValidationError', 'ConfigValidationErrors', 'UnknownEnvironmentError', 'InvalidPropsError']);

/**
 * A module loaded when it is needed, not when main.ts starts: `require`, which
 * tsx's CommonJS loader (`node --require tsx/cjs`, cdktf.json) handles alone.
 */
function load<T>(path: string): T {
  return require(path) as T;
}

try {
  main();
} catch (error) {
  const message = userErrorMessage(error, USER_ERRORS);
  if (message === undefined) throw error;
  console.error(message);
  process.exit(1);
}
