/**
 * docs/ACCESS.md's tables, from the access matrix: who may do what, and what
 * each may not, per account. The text between the markers is generated;
 * `npm test` holds it equal to the matrix, whose every line it also proves.
 */
import { ACCOUNTS } from '../../environments/account.ts';
import type { AccessRow } from './matrix.ts';

export const ACCESS_DOC_BEGIN = '<!-- generated:access-matrix:begin (npm run access:doc) -->';
export const ACCESS_DOC_END = '<!-- generated:access-matrix:end -->';

const cell = (lines: readonly string[]) => (lines.length === 0 ? '—' : lines.map((l) => l.replace(/\|/g, '\\|')).join('<br>'));

/** The generated part of docs/ACCESS.md. */
export function renderAccessMatrix(rows: readonly AccessRow[]): string {
  const out: string[] = [ACCESS_DOC_BEGIN];
  for (const account of ACCOUNTS) {
    const mine = rows.filter((r) => r.account === account.name);
    out.push('', `### The ${account.name === 'production' ? 'production' : 'non-production'} account`, '', '| who | may | may not |', '| --- | --- | --- |');
    for (const row of mine) {
      const may = row.checks.filter((c) => c.expect === 'allowed').map((c) => c.what);
      const mayNot = row.checks.filter((c) => c.expect === 'denied').map((c) => c.what);
      out.push(`| ${row.who} | ${cell(may)} | ${cell(mayNot)} |`);
    }
  }
  const allowed = rows.flatMap((r) => r.checks).filter((c) => c.expect === 'allowed').length;
  const denied = rows.flatMap((r) => r.checks).filter((c) => c.expect === 'denied').length;
  out.push('', `${rows.length} rows: ${allowed} calls proven allowed, ${denied} proven denied.`, ACCESS_DOC_END);
  return out.join('\n');
}

/** docs/ACCESS.md with its generated part replaced. */
export function withAccessMatrix(doc: string, rows: readonly AccessRow[]): string {
  const begin = doc.indexOf(ACCESS_DOC_BEGIN);
  const end = doc.indexOf(ACCESS_DOC_END);
  if (begin < 0 || end < begin) throw new Error(`docs/ACCESS.md lacks the markers ${ACCESS_DOC_BEGIN} … ${ACCESS_DOC_END}`);
  return `${doc.slice(0, begin)}${renderAccessMatrix(rows)}${doc.slice(end + ACCESS_DOC_END.length)}`;
}
