import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { productionAt } from '../../environments/production.ts';
import { loadAccessModel } from '../../lib/access/index.ts';
import { accessMatrix, rolesWithoutRow } from '../../tools/access/matrix.ts';
import { withAccessMatrix } from '../../tools/access/render.ts';
import { synthEnvironment, synthesizedStacks, synthKubernetesEnvironment } from '../helpers/synth.ts';

/**
 * The access matrix (tools/access/matrix.ts) over every stack main.ts
 * synthesizes: each row's calls as the access model answers them, the way
 * IAM and EKS would.
 */
const model = loadAccessModel(synthesizedStacks());
const rows = accessMatrix(model, ENVIRONMENTS);

describe('the access matrix', () => {
  it('speaks for every role of every stack: a role with no row is a guess', () => {
    expect(rolesWithoutRow(model, rows)).toEqual([]);
  });

  describe.each(rows.map((r) => [`${r.who}, ${r.account}`, r] as const))('%s', (_who, row) => {
    it.each(row.checks.map((c) => [c.expect, c.what, c] as const))('%s: %s', (expected, _what, check) => {
      expect(check.allowed(model)).toBe(expected === 'allowed');
    });
  });
});

describe('the access matrix at the 1000-tenant sizing', () => {
  it('holds for production scaled to a thousand tenants', () => {
    const scaled = productionAt('scaled1000Tenants');
    const replaced = new Map([
      [`hexabid-${scaled.name}`, synthEnvironment(scaled, 'production-1000-tenants').json],
      [`hexabid-${scaled.name}-k8s`, synthKubernetesEnvironment(scaled, 'production-1000-tenants').json],
    ]);
    const sized = loadAccessModel(synthesizedStacks().map((s) => ({ stackName: s.stackName, json: replaced.get(s.stackName) ?? s.json })));
    const environments = ENVIRONMENTS.map((e) => (e.name === scaled.name ? scaled : e));
    const failures = accessMatrix(sized, environments).flatMap((row) => row.checks.filter((c) => c.allowed(sized) !== (c.expect === 'allowed')).map((c) => `${row.who}: ${c.expect} ${c.what}`));
    expect(rolesWithoutRow(sized, accessMatrix(sized, environments))).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe('docs/ACCESS.md', () => {
  it('carries the matrix as generated (npm run access:doc; npm run test:update rewrites it with the snapshots)', () => {
    const path = join(__dirname, '..', '..', 'docs', 'ACCESS.md');
    const doc = readFileSync(path, 'utf8');
    // Like the snapshots, it names the config's roles and zones: refreshed on request, never silently.
    if (process.env.HEXABID_UPDATE_SNAPSHOTS === '1') writeFileSync(path, withAccessMatrix(doc, rows));
    else expect(withAccessMatrix(doc, rows)).toBe(doc);
  });
});
