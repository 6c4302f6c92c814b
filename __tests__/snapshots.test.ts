import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../environments/index.ts';
import { ACCOUNTS } from '../environments/account.ts';
import { bootstrapStackName, infrastructureStackName, kubernetesStackName, standbyStackName } from '../environments/stack-names.ts';
import { synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthStandby } from './helpers/synth.ts';

/**
 * The committed stacks are the plan review: any change to what an environment
 * deploys shows up as a diff in __snapshots__/<stack>.tf.json. A stack with no
 * committed snapshot fails here, instead of one being written quietly: only
 * `npm run test:update` writes a new one, for its author to read and commit.
 */
const updating = process.env.HEXABID_UPDATE_SNAPSHOTS === '1';

async function expectSnapshot(stack: string, text: string): Promise<void> {
  const file = `./__snapshots__/${stack}.tf.json`;
  if (!updating && !existsSync(join(__dirname, file))) {
    expect.fail(`${stack} has no committed snapshot (${file}): run \`npm run test:update\`, read the new file, and commit it`);
  }
  await expect(`${text.trimEnd()}\n`).toMatchFileSnapshot(file);
}

describe('synthesized stacks', () => {
  it.each(ACCOUNTS.map((a) => [bootstrapStackName(a), a] as const))('%s matches its committed snapshot', async (stack, account) => {
    await expectSnapshot(stack, synthBootstrap(account).text);
  });

  it.each(ENVIRONMENTS.map((e) => [infrastructureStackName(e), e] as const))('%s matches its committed snapshot', async (stack, config) => {
    await expectSnapshot(stack, synthEnvironment(config).text);
  });

  it.each(ENVIRONMENTS.filter((e) => e.standbyFor).map((e) => [standbyStackName(e), e] as const))('%s matches its committed snapshot', async (stack, config) => {
    await expectSnapshot(stack, synthStandby(config).text);
  });

  // The chart's asset path carries a hash of its content, so a chart edit shows here too.
  it.each(ENVIRONMENTS.map((e) => [kubernetesStackName(e), e] as const))('%s matches its committed snapshot', async (stack, config) => {
    await expectSnapshot(stack, synthKubernetesEnvironment(config).text);
  });
});
