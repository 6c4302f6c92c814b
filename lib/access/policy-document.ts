import type { ConditionBlock, Policy, PolicySource, PrincipalBlock, Statement } from './types.ts';

/** A policy document that IAM would refuse, named by where it is written. */
export class PolicyDocumentError extends Error {
  constructor(source: PolicySource, problem: string) {
    super(`${source.stack} ${source.address}: ${problem}`);
    this.name = 'PolicyDocumentError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, field: string, fail: (problem: string) => never): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item !== 'string') fail(`${field} must be a string or a list of strings, got ${JSON.stringify(item)}`);
    return item;
  });
}

function principalBlock(value: unknown, field: string, fail: (problem: string) => never): PrincipalBlock {
  if (value === '*') return '*';
  if (!isRecord(value)) fail(`${field} must be "*" or an object, got ${JSON.stringify(value)}`);
  const block: Record<string, string[]> = {};
  for (const [kind, ids] of Object.entries(value)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(kind)) fail(`${field} has an unknown principal type "${kind}"`);
    block[kind] = stringList(ids, `${field}.${kind}`, fail);
  }
  return block;
}

function conditionBlock(value: unknown, fail: (problem: string) => never): ConditionBlock {
  if (!isRecord(value)) fail(`Condition must be an object, got ${JSON.stringify(value)}`);
  const block: Record<string, Record<string, string[]>> = {};
  for (const [operator, pairs] of Object.entries(value)) {
    if (!isRecord(pairs)) fail(`Condition ${operator} must map keys to values`);
    block[operator] = {};
    for (const [key, values] of Object.entries(pairs)) {
      const list = Array.isArray(values) ? values : [values];
      block[operator]![key] = list.map((v) => {
        if (typeof v !== 'string' && typeof v !== 'boolean' && typeof v !== 'number') {
          fail(`Condition ${operator} ${key} has a value that is not a string, number or boolean: ${JSON.stringify(v)}`);
        }
        return String(v);
      });
    }
  }
  return block;
}

/**
 * Parses a policy document (an object or its JSON text) into normalized
 * statements. Fails with the policy's source on anything IAM would refuse:
 * a missing Effect, both Action and NotAction, a non-string action.
 */
export function parsePolicy(document: unknown, source: PolicySource): Policy {
  const fail = (problem: string): never => {
    throw new PolicyDocumentError(source, problem);
  };
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch (error) {
      fail(`the policy is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isRecord(doc)) fail('a policy document must be a JSON object');
  const record = doc as Record<string, unknown>;
  const version = record['Version'] === undefined ? '2008-10-17' : String(record['Version']);
  const raw = record['Statement'];
  if (raw === undefined) fail('the policy has no Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((item, index): Statement => {
    if (!isRecord(item)) fail(`Statement ${index} is not an object`);
    const s = item as Record<string, unknown>;
    const at = (field: string): string => `Statement ${s['Sid'] ?? index} ${field}`;
    const effect = s['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') fail(`${at('Effect')} must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
    if ((s['Action'] === undefined) === (s['NotAction'] === undefined)) fail(`${at('')}must have exactly one of Action and NotAction`);
    if (s['Resource'] !== undefined && s['NotResource'] !== undefined) fail(`${at('')}has both Resource and NotResource`);
    if (s['Principal'] !== undefined && s['NotPrincipal'] !== undefined) fail(`${at('')}has both Principal and NotPrincipal`);
    return {
      ...(s['Sid'] !== undefined ? { sid: String(s['Sid']) } : {}),
      effect: effect as 'Allow' | 'Deny',
      ...(s['Action'] !== undefined ? { action: stringList(s['Action'], at('Action'), fail) } : {}),
      ...(s['NotAction'] !== undefined ? { notAction: stringList(s['NotAction'], at('NotAction'), fail) } : {}),
      ...(s['Resource'] !== undefined ? { resource: stringList(s['Resource'], at('Resource'), fail) } : {}),
      ...(s['NotResource'] !== undefined ? { notResource: stringList(s['NotResource'], at('NotResource'), fail) } : {}),
      ...(s['Principal'] !== undefined ? { principal: principalBlock(s['Principal'], at('Principal'), fail) } : {}),
      ...(s['NotPrincipal'] !== undefined ? { notPrincipal: principalBlock(s['NotPrincipal'], at('NotPrincipal'), fail) } : {}),
      ...(s['Condition'] !== undefined ? { condition: conditionBlock(s['Condition'], fail) } : {}),
    };
  });
  return { source, version, statements };
}

/** How a statement is cited in a decision: `stack address Sid (kind)`. */
export function describeStatement(policy: Policy, statement: Statement): string {
  const index = policy.statements.indexOf(statement);
  const sid = statement.sid ? `Sid ${statement.sid}` : `statement ${index}`;
  const label = policy.source.label ? ` "${policy.source.label}"` : '';
  return `${policy.source.stack} ${policy.source.address}${label} ${sid} (${policy.source.kind})`;
}
