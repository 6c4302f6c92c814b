import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '..', '..', '..', 'lib', 'access');

describe('lib/access is a ground-floor library (shared/STYLE.md, "Layers")', () => {
  it('imports nothing of environments, modules, stacks, main.ts, and no AGPL @cloud-copilot package', () => {
    const offending = readdirSync(DIR)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(DIR, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1]}`))
      .filter((line) => /\.\.\/(environments|modules|stacks|main)|@cloud-copilot\/iam-(simulate|policy|expand|utils)/.test(line));
    expect(offending).toEqual([]);
  });
});
