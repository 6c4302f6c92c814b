/**
 * Synthesizes one cost scenario (tools/cost/scenarios.ts) as main.ts would
 * synthesize its environment: run by tools/cost/synth.ts in a process of its
 * own, so the estimator itself never loads cdktf or its providers.
 *
 *   node --import tsx tools/cost/synth-scenario.ts <scenario> <outdir>
 */
import '../../lib/without-source-maps.ts';
import { App } from 'cdktf';
import { validateEnvironment } from '../../environments/index.ts';
import { InfrastructureStack } from '../../stacks/infrastructure-stack.ts';
import { KubernetesStack } from '../../stacks/kubernetes-stack.ts';
import { SCENARIOS } from './scenarios.ts';

const [name, outdir] = process.argv.slice(2);
const scenario = SCENARIOS.find((s) => s.name === name);
if (!scenario || !outdir) {
  console.error(`usage: synth-scenario.ts <${SCENARIOS.map((s) => s.name).join('|')}> <outdir>`);
  process.exit(2);
}
const config = scenario.config();
validateEnvironment(config);
const app = new App({ outdir, stackTraces: false });
const infrastructure = new InfrastructureStack(app, config);
new KubernetesStack(app, config).addDependency(infrastructure);
app.synth();
