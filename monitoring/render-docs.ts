/**
 * Rewrites the generated tables of docs/OBSERVABILITY.md, and the README's
 * copy of the app's metric contract, from the code:
 * `npx tsx monitoring/render-docs.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBSERVABILITY_DOC, readmeWithGeneratedBlocks, withGeneratedBlocks } from './docs.ts';

for (const [file, render] of [[OBSERVABILITY_DOC, withGeneratedBlocks], ['README.md', readmeWithGeneratedBlocks]] as const) {
  const path = join(__dirname, '..', file);
  const before = readFileSync(path, 'utf8');
  const after = render(before);
  if (after === before) {
    console.log(`${file} is up to date`);
  } else {
    writeFileSync(path, after);
    console.log(`${file} rewritten`);
  }
}
