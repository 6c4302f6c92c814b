/**
 * `npm run synth`: every stack through the cdktf CLI, as ops run it, into
 * cdktf.out/stacks/. HEXABID_ENV limits it to some environments (README).
 *
 *   npm run synth
 *   HEXABID_ENV=staging npm run synth
 *
 * Takes no arguments. The CLI's update check is off (it needs the network and
 * prints an error without one).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { isExampleAccount } from '../../environments/account.ts';
import { noArguments, startCli, type CliDefinition } from '../../lib/cli.ts';

const ROOT = resolve(__dirname, '..', '..');

function synth(): number {
  // The CLI hides what the app prints on stdout, so the reminder is printed here.
  if (isExampleAccount()) console.log('Note: environments/account.ts still names the example account; set yours before planning (README, "First deploy").');
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return result.status ?? 1;
}

export const cli: CliDefinition<void> = {
  usage: 'usage: [HEXABID_ENV=<env>[,<env>...]] npm run synth   (takes no arguments)',
  parse: noArguments,
  run: synth,
};
if (require.main === module) startCli(cli);
