import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/index.ts';
import { synthEnvironment } from './helpers/synth.ts';

/**
 * The committed stacks are the plan review: any change to what an environment
 * deploys shows up as a diff in __snapshots__/<stack>.tf.json.
 */
describe('synthesized stacks', () => {
  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('hexabid-%s matches its committed snapshot', async (name, config) => {
    const { text } = synthEnvironment(config);
    await expect(`${text}\n`).toMatchFileSnapshot(`./__snapshots__/hexabid-${name}.tf.json`);
  });
});
