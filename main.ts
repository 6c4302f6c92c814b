import { App } from 'cdktf';
import {
  ConfigValidationError,
  ENVIRONMENTS,
  selectEnvironments,
  UnknownEnvironmentError,
  validateDistinctEnvironments,
  validateEnvironment,
} from './environments/index.ts';
import { InvalidPropsError } from './modules/invalid-props-error.ts';
import { InfrastructureStack } from './stacks/infrastructure-stack.ts';
import { KubernetesStack } from './stacks/kubernetes-stack.ts';

/** Synthesizes the stacks of every environment HEXABID_ENV names (all when unset). */
function main(): void {
  const environments = selectEnvironments(process.env.HEXABID_ENV);
  validateDistinctEnvironments(ENVIRONMENTS);
  environments.forEach(validateEnvironment);
  const app = new App();
  for (const config of environments) {
    const infrastructure = new InfrastructureStack(app, config);
    // `cdktf deploy` applies the cluster before what runs in it.
    new KubernetesStack(app, config).addDependency(infrastructure);
  }
  app.synth();
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
