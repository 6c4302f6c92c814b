import { vi } from 'vitest';
import type { CliDefinition } from '../../lib/cli.ts';

/**
 * Runs a script's command line in this process, as startCli would after its
 * `--help` check: what it prints with console.log and console.error, its exit
 * status, and the error it threw. For checking a script's parsing and output
 * without paying for a process that starts tsx.
 */
export async function runCli<Request>(cli: CliDefinition<Request>, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string; error?: unknown }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void stdout.push(`${parts.join(' ')}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void stderr.push(`${parts.join(' ')}\n`));
  try {
    const code = await cli.run(cli.parse(args));
    return { code: code ?? 0, stdout: stdout.join(''), stderr: stderr.join('') };
  } catch (thrown) {
    const code = thrown instanceof Error && thrown.name === 'UsageError' ? 2 : (cli.exitCodeOf?.(thrown) ?? 1);
    return { code, stdout: stdout.join(''), stderr: `${stderr.join('')}${thrown instanceof Error ? thrown.message : String(thrown)}\n`, error: thrown };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
