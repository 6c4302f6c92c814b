import './lib/without-source-maps.ts';
import { App } from 'cdktf';
import { ACCOUNT, isExampleAccount } from './environments/account.ts';
import { bootstrapConfig, validateBootstrap } from './environments/bootstrap.ts';
import {
  ConfigValidationError,
  ENVIRONMENTS,
  selectEnvironments,
  UnknownEnvironmentError,
  validateDistinctEnvironments,
  validateEnvironment,
} from './environments/index.ts';
import { InvalidPropsError } from './modules/invalid-props-error.ts';
import { BootstrapStack } from './stacks/bootstrap-stack.ts';
import { InfrastructureStack } from './stacks/infrastructure-stack.ts';
import { KubernetesStack } from './stacks/kubernetes-stack.ts';
import { StandbyStack } from './stacks/standby-stack.ts';

/**
 * Synthesizes the account's bootstrap stack and the stacks of every
 * environment HEXABID_ENV names (all when unset). HEXABID_BOOTSTRAP_STATE=local
 * keeps the bootstrap's state in a local file, for its first apply only.
 */
function main(): void {
  const environments = selectEnvironments(process.env.HEXABID_ENV);
  const localBootstrapState = bootstrapStateIsLocal(process.env.HEXABID_BOOTSTRAP_STATE);
  const bootstrap = bootstrapConfig(ENVIRONMENTS);
  validateBootstrap(bootstrap);
  validateDistinctEnvironments(ENVIRONMENTS);
  environments.forEach(validateEnvironment);
  if (isExampleAccount()) {
    console.warn(
      `Note: synthesizing for the example account ${ACCOUNT.accountId}. Set your account ID in environments/account.ts ` +
        'before planning: the provider refuses any other account.',
    );
  }
  const app = new App();
  new BootstrapStack(app, bootstrap, { localState: localBootstrapState });
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

function bootstrapStateIsLocal(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 's3') return false;
  if (value === 'local') return true;
  throw new ConfigValidationError('bootstrap', [{ field: 'HEXABID_BOOTSTRAP_STATE', value, allowed: 'must be "local" (the first bootstrap apply only), "s3" or unset' }]);
}

try {
  main();
} catch (error) {
  // Bad input is the user's to fix: say what is wrong, without a stack trace.
  if (error instanceof ConfigValidationError || error instanceof UnknownEnvironmentError || error instanceof InvalidPropsError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
