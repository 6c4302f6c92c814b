/**
 * Runs once per `vitest run`, before any test file: unpacks the pinned Helm
 * binary, and synthesizes every stack with `main.ts`, as `cdktf synth` does,
 * into one output directory that every test file reads. One synthesis per
 * run, instead of one per file or per worker, is most of why `npm test` fits
 * its 30-second budget (docs/TESTING.md). Everything a run writes to disk
 * lives under one scratch directory, removed when the run ends.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { ensureHelm } from '../../tools/dev/helm-binary.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where `main.ts` wrote every stack (`<dir>/stacks/<stack>/cdk.tf.json`, `<dir>/manifest.json`). */
    synthOutdir: string;
    /** What that synthesis printed on stderr. */
    synthStderr: string;
    /** The run's scratch directory: test files make their temporary directories below it. */
    scratchRoot: string;
  }
}

const ROOT = resolve(__dirname, '..', '..');

export default async function setup(project: TestProject): Promise<() => void> {
  ensureHelm();
  const scratchRoot = mkdtempSync(join(tmpdir(), 'hexabid-test-'));
  // Everything that asks for a temporary directory (cdktf's Testing.synth makes one per call, child
  // processes too) gets it under the scratch root, which the teardown removes: a run leaves nothing behind.
  const tmp = join(scratchRoot, 'tmp');
  mkdirSync(tmp);
  process.env.TMPDIR = tmp;
  const synthOutdir = join(scratchRoot, 'synth');
  const { stderr } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', 'main.ts'], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: synthOutdir, HEXABID_ENV: '' },
  });
  project.provide('synthOutdir', synthOutdir);
  project.provide('synthStderr', stderr);
  project.provide('scratchRoot', scratchRoot);
  return () => rmSync(scratchRoot, { recursive: true, force: true });
}
