/**
 * Which stacks a change can affect, from the paths it touches: CI plans those
 * and skips the rest. The rules are a table, first match wins; a path no rule
 * knows affects every stack, because planning too much is only slower while
 * planning too little hides a change.
 */
import { ACCOUNTS, ROLE_NAMES, roleArn, type AccountConfig } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { bootstrapStackName, infrastructureStackName, kubernetesStackName, standbyStackName } from '../../environments/stack-names.ts';

export type StackKind = 'bootstrap' | 'infrastructure' | 'kubernetes';

export interface AffectRule {
  /**
   * Paths from the repository root: `*` matches within one directory, `**`
   * followed by a slash any number of directories, a trailing `/**`
   * everything below, and `<env>` the name of one environment.
   */
  readonly paths: readonly string[];
  /** The stacks a match affects; with `<env>`, the environment stacks are that environment's only. */
  readonly affects: readonly StackKind[];
  /** Why, in one line; the CI log shows it next to each file. */
  readonly why: string;
}

const EVERY_STACK: readonly StackKind[] = ['bootstrap', 'infrastructure', 'kubernetes'];

/** Where each changed path leads, first match wins: specific files before the directories that hold them. */
export const AFFECT_RULES: readonly AffectRule[] = [
  {
    paths: ['environments/bootstrap.ts', 'stacks/bootstrap-stack.ts'],
    affects: ['bootstrap'],
    why: "the accounts' bootstraps; only main.ts builds the bootstrap stacks from them",
  },
  {
    paths: ['environments/<env>.ts'],
    affects: EVERY_STACK,
    why: "one environment's config; its account's bootstrap too, as its quotas add up the account's environments' sizes",
  },
  {
    paths: ['stacks/kubernetes-stack.ts', 'stacks/cluster-connection.ts'],
    affects: ['kubernetes'],
    why: 'only the Kubernetes stacks are built from them',
  },
  {
    paths: ['stacks/infrastructure-stack.ts', 'stacks/infrastructure-outputs.ts'],
    affects: ['infrastructure', 'kubernetes'],
    why: 'the infrastructure stacks, and the Kubernetes stacks that read their outputs',
  },
  {
    // Before the Markdown rule: a chart's README ships inside the chart.
    paths: ['helm/**'],
    affects: ['kubernetes'],
    why: 'the Helm charts, which only the Kubernetes stacks install',
  },
  {
    paths: ['content/monitoring/**'],
    affects: ['kubernetes'],
    why: 'dashboards and alert rules, which the Kubernetes stacks deploy',
  },
  {
    // Before the code directories: Markdown beside the code is never imported.
    paths: ['docs/**', '**/*.md', '__tests__/**', '.github/**', '.ci/**', 'ci/**', '.gitignore', 'vitest.config.mts'],
    affects: [],
    why: 'documentation, tests and CI tooling, which no stack is built from',
  },
  {
    // The tools stand above the stacks: they read them, and no stack imports them.
    paths: ['tools/**'],
    affects: [],
    why: 'tools that read the stacks (cost, plan summary, CI, access, disaster recovery), not part of any stack',
  },
  {
    paths: [
      'modules/**', 'lib/**', 'stacks/**', 'environments/**', 'main.ts',
      'package.json', 'package-lock.json', '.npmrc', 'cdktf.json', 'tsconfig.json',
    ],
    affects: EVERY_STACK,
    why: 'code, config or dependencies that every stack is built from',
  },
];

/** The fallback for a path no rule matches. */
export const UNMATCHED_WHY = 'no rule knows this path, so every stack, to be safe';

/** One row of the GitHub Actions plan matrix. */
export interface AffectedStack {
  readonly stack: string;
  /** The environment the stack belongs to; null for an account's bootstrap. */
  readonly environment: string | null;
  /** The account the stack is applied to. */
  readonly accountId: string;
  readonly kind: StackKind;
  /** Position in apply order among the affected stacks, from 0 (matrix jobs do not keep list order). */
  readonly order: number;
  /** Where the stack's provider runs: its environment's region, the account's for the bootstrap. */
  readonly region: string;
  /** The role CI plans the stack with: its account's plan role (read-only, and state and secrets for the refresh). */
  readonly planRoleArn: string;
  /**
   * Whether a pull request may plan it. A production account's stack may not:
   * its plan role trusts only the protected GitHub environment of
   * production's plans, so no branch's code reads production; the deploy
   * workflow plans it after the merge, for its approver.
   */
  readonly plannedInPullRequests: boolean;
}

/** What one changed path matched, and so which stacks it affects. */
export interface FileVerdict {
  readonly file: string;
  /** Undefined when no rule matched, which affects every stack. */
  readonly rule: AffectRule | undefined;
  /** The environment `<env>` matched, when the rule has one. */
  readonly environment: string | undefined;
  readonly stacks: readonly string[];
}

export interface AffectedStacksResult {
  /** The matrix: bootstrap first, then each environment's infrastructure before its Kubernetes stack. */
  readonly include: readonly AffectedStack[];
  readonly files: readonly FileVerdict[];
}

/** What the matrix needs of an environment. */
export interface StackEnvironment {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly isProduction: boolean;
  /** Set on a standby, whose only planned stack is its always-on one. */
  readonly standbyFor?: { readonly primary: string };
}

/** Every stack the app synthesizes, in apply order, named as the app names them. */
export function allStacks(environments: readonly StackEnvironment[] = ENVIRONMENTS, accounts: readonly AccountConfig[] = ACCOUNTS): AffectedStack[] {
  type Row = Omit<AffectedStack, 'order'>;
  const production = (accountId: string) => environments.some((e) => e.accountId === accountId && e.isProduction);
  const row = (stack: string, environment: string | null, kind: StackKind, region: string, accountId: string): Row => {
    const account = accounts.find((a) => a.accountId === accountId);
    if (!account) throw new Error(`${stack}: account ${accountId} is not one of environments/account.ts`);
    return { stack, environment, accountId, kind, region, planRoleArn: roleArn(ROLE_NAMES.ciPlan, account), plannedInPullRequests: !production(accountId) };
  };
  const stacks: Row[] = accounts.map((a) => row(bootstrapStackName(a), null, 'bootstrap', a.region, a.accountId));
  for (const environment of environments) {
    const { name, region, accountId } = environment;
    // A standby's failover stacks read state that exists only after a failover: synthesized and tested, never planned.
    if (environment.standbyFor) {
      stacks.push(row(standbyStackName(environment), name, 'infrastructure', region, accountId));
      continue;
    }
    stacks.push(row(infrastructureStackName(environment), name, 'infrastructure', region, accountId));
    stacks.push(row(kubernetesStackName(environment), name, 'kubernetes', region, accountId));
  }
  return stacks.map((s, order) => withOrder(s, order));
}

/** The row, keys in the order the matrix shows them. */
function withOrder(s: Omit<AffectedStack, 'order'>, order: number): AffectedStack {
  return { stack: s.stack, environment: s.environment, accountId: s.accountId, kind: s.kind, order, region: s.region, planRoleArn: s.planRoleArn, plannedInPullRequests: s.plannedInPullRequests };
}

/** Paths as git prints them: from the root, forward slashes, no `./`. */
export function normalizePath(path: string): string {
  return path.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function globToRegExp(glob: string, environmentNames: readonly string[]): RegExp {
  // No environments: `<env>` must match nothing, not the empty name.
  const env = environmentNames.length > 0 ? `(?<env>${environmentNames.map(escapeRegExp).join('|')})` : '(?!)';
  let source = '';
  for (let i = 0; i < glob.length; ) {
    if (glob.startsWith('**/', i)) {
      source += '(?:[^/]+/)*';
      i += 3;
    } else if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      source += '/.+';
      i += 3;
    } else if (glob[i] === '*') {
      source += '[^/]*';
      i += 1;
    } else if (glob.startsWith('<env>', i)) {
      source += env;
      i += '<env>'.length;
    } else {
      source += escapeRegExp(glob[i]!);
      i += 1;
    }
  }
  return new RegExp(`^${source}$`);
}

/** The first rule a path matches, and the environment its `<env>` named. */
export function matchRule(
  file: string,
  environmentNames: readonly string[],
  rules: readonly AffectRule[] = AFFECT_RULES,
): { rule: AffectRule; environment: string | undefined } | undefined {
  const path = normalizePath(file);
  for (const rule of rules) {
    for (const glob of rule.paths) {
      const match = globToRegExp(glob, environmentNames).exec(path);
      if (match) return { rule, environment: match.groups?.env };
    }
  }
  return undefined;
}

/** The stacks a set of changed paths affects, in apply order, with the reason for each path. */
export function affectedStacks(
  files: readonly string[],
  environments: readonly StackEnvironment[] = ENVIRONMENTS,
  rules: readonly AffectRule[] = AFFECT_RULES,
  accounts: readonly AccountConfig[] = ACCOUNTS,
): AffectedStacksResult {
  const every = allStacks(environments, accounts);
  const names = environments.map((e) => e.name);
  const paths = [...new Set(files.map(normalizePath).filter((f) => f.length > 0))];
  const verdicts = paths.map((file): FileVerdict => {
    const match = matchRule(file, names, rules);
    const kinds = match?.rule.affects ?? EVERY_STACK;
    // An environment's own file affects its stacks, and the bootstrap of its account only.
    const accountOf = environments.find((e) => e.name === match?.environment)?.accountId;
    const stacks = every
      .filter((s) => kinds.includes(s.kind))
      .filter((s) => match?.environment === undefined || (s.environment === null ? s.accountId === accountOf : s.environment === match.environment))
      .map((s) => s.stack);
    return { file, rule: match?.rule, environment: match?.environment, stacks };
  });
  const hit = new Set(verdicts.flatMap((v) => v.stacks));
  const include = every.filter((s) => hit.has(s.stack)).map((s, order) => withOrder(s, order));
  return { include, files: verdicts };
}
