import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/index.ts';
import { synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthStandby } from './helpers/synth.ts';

/**
 * The committed stacks are the plan review: any change to what an environment
 * deploys shows up as a diff in __snapshots__/<stack>.tf.json.
 */
describe('synthesized stacks', () => {
  const environments = ENVIRONMENTS.map((e) => [e.name, e] as const);

  it('hexabid-bootstrap matches its committed snapshot', async () => {
    await expect(`${synthBootstrap().text}\n`).toMatchFileSnapshot('./__snapshots__/hexabid-bootstrap.tf.json');
  });

  it.each(environments)('hexabid-%s matches its committed snapshot', async (name, config) => {
    const { text } = synthEnvironment(config);
    await expect(`${text}\n`).toMatchFileSnapshot(`./__snapshots__/hexabid-${name}.tf.json`);
  });

  it.each(ENVIRONMENTS.filter((e) => e.standbyFor).map((e) => [e.name, e] as const))('hexabid-%s-standby matches its committed snapshot', async (name, config) => {
    await expect(`${synthStandby(config).text}\n`).toMatchFileSnapshot(`./__snapshots__/hexabid-${name}-standby.tf.json`);
  });

  // The chart's asset path carries a hash of its content, so a chart edit shows here too.
  it.each(environments)('hexabid-%s-k8s matches its committed snapshot', async (name, config) => {
    const { text } = synthKubernetesEnvironment(config);
    await expect(`${text.trimEnd()}\n`).toMatchFileSnapshot(`./__snapshots__/hexabid-${name}-k8s.tf.json`);
  });
});
