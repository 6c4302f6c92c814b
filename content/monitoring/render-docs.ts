/**
 * Rewrites the generated tables of docs/OBSERVABILITY.md (the dashboards, the
 * alert rules, the app's metric contract and where metric names come from)
 * from the code: `npx tsx content/monitoring/render-docs.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBSERVABILITY_DOC, withGeneratedBlocks } from './docs.ts';

const path = join(__dirname, '..', OBSERVABILITY_DOC);
const before = readFileSync(path, 'utf8');
const after = withGeneratedBlocks(before);
if (after === before) {
  console.log(`${OBSERVABILITY_DOC} is up to date`);
} else {
  writeFileSync(path, after);
  console.log(`${OBSERVABILITY_DOC} rewritten`);
}
