import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS } from '../../environments/account.ts';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { PROMETHEUS_STACK_NAMES } from '../../modules/kubernetes/monitoring/prometheus-stack.ts';
import { allAlertRules, buildAlertRules } from '../../content/monitoring/alerts/index.ts';
import { githubAnchor, RUNBOOK_ANCHORS, RUNBOOK_SECTIONS, RUNBOOK_URL } from '../../content/monitoring/runbook-sections.ts';
import { bootstrapStackName, environmentStackNames } from '../../environments/stack-names.ts';
import { renderHexabidRelease } from '../helpers/hexabid-release.ts';
import { resourcesOf, synthBootstrap, synthEnvironment, synthKubernetesEnvironment, synthStandby, type TfJson } from '../helpers/synth.ts';

/**
 * docs/RUNBOOK.md against the code: its headings carry every anchor an alert
 * links to, each alert's link lands on a section that names the alert, and
 * every alarm, CronJob, namespace, log group, saved query and other resource
 * name it quotes exists in the synthesized stacks (or the release the
 * Kubernetes stack installs). Names are found by their shape, not listed
 * here, so renaming a resource in code breaks this test until the runbook
 * follows.
 */
const DOCS = resolve(__dirname, '..', '..', 'docs');
const RUNBOOK = readFileSync(join(DOCS, 'RUNBOOK.md'), 'utf8');

// ---------------------------------------------------------------- the Markdown

/** A fenced block, indented ones (inside list items) included. */
const FENCE = /^[ \t]*```(\w*)\n([\s\S]*?)^[ \t]*```$/gm;
const prose = RUNBOOK.replace(FENCE, '');

/** GitHub's anchors of every heading, with its `-1`, `-2` suffixes for repeats; and each heading's text. */
function headings(markdown: string): { anchor: string; level: number; text: string }[] {
  const seen = new Map<string, number>();
  return [...markdown.replace(FENCE, '').matchAll(/^(#{1,6}) (.+)$/gm)].map((m) => {
    const base = githubAnchor(m[2]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { anchor: n === 0 ? base : `${base}-${n}`, level: m[1]!.length, text: m[2]!.trim() };
  });
}
const HEADINGS = headings(RUNBOOK);
const ANCHORS = new Set(HEADINGS.map((h) => h.anchor));

/** The text of each `## ` section, its subsections included, by anchor. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^(?=## )/m);
  for (const part of parts) {
    const heading = /^## (.+)$/m.exec(part);
    if (heading && part.startsWith('## ')) out.set(githubAnchor(heading[1]!), part);
  }
  return out;
}
const SECTIONS = sections(RUNBOOK);

/** Shell lines of the ```sh blocks, continuations joined and comments dropped, as docs-commands.test.ts reads them. */
function shellLines(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.replace(/\\\n\s*/g, '').split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#')),
  );
}

/** Inline code spans outside the fenced blocks. */
function inlineSpans(markdown: string): string[] {
  return [...markdown.replace(FENCE, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

/** A command or span split into words; quoted words keep their content. */
const wordsOf = (text: string): string[] => (text.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));

/** The name-like pieces of a word: split at `=`, `,`, quotes and parentheses, trailing punctuation dropped, `$…` a placeholder. */
function fragmentsOf(word: string): string[] {
  return word
    .split(/[=,'"()|;\s]/)
    .map((f) => f.replace(/\$.*$/, '<var>').replace(/[.:;,]+$/, ''))
    .map((f) => (f.includes('>') && !f.includes('<') ? f.slice(0, f.indexOf('>')) : f))
    .map((f) => (f.includes('<') && !f.includes('>') ? f.slice(0, f.indexOf('<')) : f))
    // A kubectl reference (`deployment/hexabid-api`) also names the object alone.
    .flatMap((f) => [f, ...(/^(?:deployments?|deploy|jobs?|cronjobs?|svc|hpa)\/(.+)$/.exec(f)?.slice(1) ?? [])])
    .filter((f) => f.length > 0);
}

/** A quoted name as a pattern: `<placeholder>` and `…` stand for anything; a trailing `/` makes it a prefix. */
function patternOf(name: string): RegExp {
  const parts = name.split(/(<[^>]*>|…)/);
  const body = parts.map((p, i) => (i % 2 === 1 ? '.+' : p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}${name.endsWith('/') ? '' : '$'}`);
}
const hasPlaceholder = (name: string) => /<[^>]*>|…|\/$/.test(name);
/** Whether a quoted name (maybe with placeholders) names one of `names`. */
const namesOneOf = (name: string, names: Iterable<string>): boolean => {
  if (!hasPlaceholder(name)) return new Set(names).has(name);
  const pattern = patternOf(name);
  return [...names].some((n) => pattern.test(n));
};

const SH = shellLines(RUNBOOK);
const SPANS = inlineSpans(RUNBOOK);
/** Every command-like word list: each shell line and each inline span. */
const COMMANDS = [...SH, ...SPANS].map(wordsOf);
const FRAGMENTS = [...new Set(COMMANDS.flat().flatMap(fragmentsOf))];

/** The values a flag takes in the commands (`--flag value` and `--flag=value`). */
function flagValues(...flags: string[]): string[] {
  return COMMANDS.flatMap((words) =>
    words.flatMap((w, i) => {
      for (const flag of flags) {
        if (w === flag && words[i + 1] !== undefined) return [words[i + 1]!];
        if (w.startsWith(`${flag}=`)) return [w.slice(flag.length + 1)];
      }
      return [];
    }),
  );
}

// ---------------------------------------------------------------- the code

/** Each stack, named, with the account it is applied to. */
const stacks: [string, TfJson, string][] = [
  ...ACCOUNTS.map((a): [string, TfJson, string] => [bootstrapStackName(a), synthBootstrap(a).json, a.accountId]),
  ...ENVIRONMENTS.flatMap((e): [string, TfJson, string][] => [
    [e.name, synthEnvironment(e).json, e.accountId],
    [`${e.name}-k8s`, synthKubernetesEnvironment(e).json, e.accountId],
    ...(e.standbyFor ? [[`${e.name}-standby`, synthStandby(e).json, e.accountId] as [string, TfJson, string]] : []),
  ]),
];
const all = (type: string) => stacks.flatMap(([, json]) => resourcesOf(json, type));

const alarmNames = all('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name as string);
const logGroups = all('aws_cloudwatch_log_group').map((g) => g.name as string);
const queryNames = all('aws_cloudwatch_query_definition').map((q) => q.name as string);
const containerLogNamespaces = logGroups.flatMap((g) => /^\/hexabid\/[^/]+\/containers\/(.+)$/.exec(g)?.[1] ?? []).filter((n) => n !== 'unmatched');
const namespaces = new Set([...all('kubernetes_namespace_v1').map((n) => n.metadata.name as string), ...containerLogNamespaces]);
const dbIdentifiers = all('aws_db_instance').map((d) => d.identifier as string);
const envNames = ENVIRONMENTS.map((e) => e.name).sort((a, b) => b.length - a.length);

/** Every string in a synthesized stack, the caller's account resolved to the stack's configured one. */
function stringsIn(value: unknown, out: Set<string>, accountId: string): Set<string> {
  if (typeof value === 'string') out.add(value.replace(/\$\{data\.aws_caller_identity\.[A-Za-z0-9_]+\.account_id\}/g, accountId));
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out, accountId));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsIn(v, out, accountId));
  return out;
}

async function knownNames() {
  const release = await renderHexabidRelease(ENVIRONMENTS.find((e) => !e.standbyFor && e.isProduction)!);
  const chartObjects = release.objects.map((o) => ({ kind: o.kind, name: o.metadata.name }));
  const universe = new Set<string>([...ACCOUNTS.map(bootstrapStackName), ...ENVIRONMENTS.flatMap((e) => environmentStackNames(e)), ...chartObjects.map((o) => o.name)]);
  for (const [, json, accountId] of stacks) stringsIn(json, universe, accountId);
  const cronJobs = new Set([...all('kubernetes_cron_job_v1').map((c) => c.metadata.name as string), ...chartObjects.filter((o) => o.kind === 'CronJob').map((o) => o.name)]);
  const jobs = new Set([...chartObjects.filter((o) => o.kind === 'Job').map((o) => o.name), ...all('kubernetes_job_v1').map((j) => j.metadata.name as string)]);
  return { universe, cronJobs, jobs };
}
let knownOnce: ReturnType<typeof knownNames> | undefined;
/** Rendered on first use, so a missing Helm fails the tests that need it, not the file. */
const known = () => (knownOnce ??= knownNames());

// ---------------------------------------------------------------- what the runbook makes

/** Names the runbook's commands create: a restored instance, a pod, a Job. They must not exist already. */
const CREATED = new Set(
  [
    ...flagValues('--target-db-instance-identifier'),
    ...COMMANDS.flatMap((w) => (w[0] === 'kubectl' && w.includes('run') ? [w[w.indexOf('run') + 1]!] : [])),
    ...COMMANDS.flatMap((w) => {
      const at = w.findIndex((x, i) => x === 'job' && w[i - 1] === 'create');
      return w[0] === 'kubectl' && at >= 0 ? w.slice(at + 1).filter((x) => !x.startsWith('-')).slice(0, 1) : [];
    }),
  ].filter((n) => n !== undefined),
);

/** The environment and the rest of a `hexabid-<env>-…` name; `env` is undefined for the `<env>` placeholder. */
function environmentOf(name: string): { env: string | undefined; rest: string } | undefined {
  if (name.startsWith('hexabid-<env>-')) return { env: undefined, rest: name.slice('hexabid-<env>-'.length) };
  const env = envNames.find((e) => name.startsWith(`hexabid-${e}-`));
  return env === undefined ? undefined : { env, rest: name.slice(`hexabid-${env}-`.length) };
}
const alarmSuffixes = alarmNames.map((a) => environmentOf(a)!.rest);
/** The last word of every alarm's name (`high`, `low`, `red`, `5xx`, …). */
const alarmLastWords = new Set(alarmNames.map((a) => a.slice(a.lastIndexOf('-') + 1)));
/**
 * Whether a quoted name is shaped like one of the alarms: `hexabid-<env>-`, then
 * the rest of some alarm's name, or anything ending in an alarm name's last word.
 */
function looksLikeAlarm(name: string): boolean {
  const parsed = environmentOf(name);
  if (!parsed) return false;
  const rest = patternOf(parsed.rest);
  return alarmSuffixes.some((s) => rest.test(s)) || alarmLastWords.has(name.slice(name.lastIndexOf('-') + 1));
}

describe('docs/RUNBOOK.md', () => {
  it('has a heading for every anchor in content/monitoring/runbook-sections.ts, with its text', () => {
    for (const anchor of RUNBOOK_ANCHORS) {
      expect(ANCHORS, anchor).toContain(anchor);
      expect(HEADINGS.find((h) => h.anchor === anchor)?.text).toBe(RUNBOOK_SECTIONS[anchor]);
    }
  });

  it('has ASCII headings, so githubAnchor gives the anchors GitHub does', () => {
    for (const h of HEADINGS) expect(h.text, h.text).toMatch(/^[\x20-\x7e]+$/);
  });

  it('links only to its own anchors and to pages that exist', () => {
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      const [page, anchor] = target!.split('#');
      if (page === '') expect(ANCHORS, target).toContain(anchor);
      else expect(existsSync(join(DOCS, page!)), target).toBe(true);
    }
  });

  it("lands every Prometheus alert's runbook_url on a section that names the alert", () => {
    const rules = allAlertRules(buildAlertRules());
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const url = rule.annotations.runbook_url;
      expect(url.startsWith(`${RUNBOOK_URL}#`), `${rule.alert}: ${url}`).toBe(true);
      const anchor = url.slice(RUNBOOK_URL.length + 1);
      expect(ANCHORS, `${rule.alert} links #${anchor}`).toContain(anchor);
      expect(SECTIONS.get(anchor) ?? '', `section #${anchor} names ${rule.alert}`).toContain(`\`${rule.alert}\``);
    }
  });

  it('lands every CloudWatch alarm on a section that names it, in every environment', () => {
    expect(alarmNames.length).toBeGreaterThan(0);
    for (const alarm of all('aws_cloudwatch_metric_alarm')) {
      const url = /https:\/\/\S+/.exec(alarm.alarm_description)?.[0] ?? '';
      expect(url.startsWith(`${RUNBOOK_URL}#`), `${alarm.alarm_name}: ${url}`).toBe(true);
      const anchor = url.slice(RUNBOOK_URL.length + 1);
      expect(ANCHORS, `${alarm.alarm_name} links #${anchor}`).toContain(anchor);
      const section = SECTIONS.get(anchor) ?? '';
      // Alarm-shaped names only: a bare `hexabid-<env>-…` or a shell `$VAR` would name every alarm.
      const quoted = [...inlineSpans(section), ...shellLines(section).flatMap(wordsOf)]
        .flatMap(fragmentsOf)
        .filter((f) => /^(hexabid-|…-)/.test(f) && !/^hexabid-<env>-(…|<[^>]*>)$/.test(f));
      expect(quoted.some((name) => namesOneOf(name, [alarm.alarm_name])), `section #${anchor} names ${alarm.alarm_name}`).toBe(true);
    }
  });

  it('lands every runbook link in the synthesized stacks (alarms and the rules the release installs)', () => {
    for (const [name, json] of stacks) {
      for (const [, anchor] of JSON.stringify(json).matchAll(new RegExp(`${RUNBOOK_URL.replace(/[.]/g, '\\.')}#([A-Za-z0-9_-]*)`, 'g'))) {
        expect(ANCHORS, `${name} links #${anchor}`).toContain(anchor);
      }
    }
  });

  it('names only CloudWatch alarms that exist', () => {
    const quoted = FRAGMENTS.filter(looksLikeAlarm);
    expect(quoted.length).toBeGreaterThan(10);
    for (const name of quoted) {
      const parsed = environmentOf(name)!;
      const candidates = parsed.env === undefined ? alarmNames : alarmNames.filter((a) => environmentOf(a)!.env === parsed.env);
      expect(namesOneOf(name, candidates), name).toBe(true);
    }
    for (const name of flagValues('--alarm-name', '--alarm-names')) expect(alarmNames, name).toContain(name);
    for (const prefix of flagValues('--alarm-name-prefix')) expect(alarmNames.some((a) => a.startsWith(prefix)), prefix).toBe(true);
  });

  it('names only CronJobs and Jobs that exist, and creates none that does', async () => {
    const { cronJobs, jobs, universe } = await known();
    const quotedCronJobs = [
      ...FRAGMENTS.flatMap((f) => /^cronjobs?\/(.+)$/.exec(f)?.[1] ?? []),
      ...COMMANDS.flatMap((w) => w.flatMap((x, i) => (/^cronjobs?$/.test(x) && w[i - 1] === 'get' && w[i + 1] && !w[i + 1]!.startsWith('-') ? [w[i + 1]!] : []))),
      ...[...prose.matchAll(/`([a-z0-9-]+)` CronJob|CronJob `([a-z0-9-]+)`/g)].map((m) => (m[1] ?? m[2])!),
    ];
    expect(quotedCronJobs.length).toBeGreaterThan(0);
    for (const name of quotedCronJobs) expect(cronJobs, `CronJob ${name}`).toContain(name);
    const quotedJobs = [
      ...FRAGMENTS.flatMap((f) => /^jobs?\/(.+)$/.exec(f)?.[1] ?? []),
      ...COMMANDS.flatMap((w) => w.flatMap((x, i) => (/^jobs?$/.test(x) && ['get', 'describe'].includes(w[i - 1]!) && w[i + 1] && !w[i + 1]!.startsWith('-') ? [w[i + 1]!] : []))),
    ];
    for (const name of quotedJobs) expect(jobs.has(name) || CREATED.has(name), `Job ${name}`).toBe(true);
    expect(CREATED.size).toBeGreaterThan(0);
    for (const name of CREATED) expect(universe.has(name), `the runbook creates ${name}, which already exists`).toBe(false);
  });

  it('names only namespaces that exist', () => {
    const quoted = [
      // The namespace of every kubectl and helm command (jq has a -n of its own).
      ...COMMANDS.filter((w) => ['kubectl', 'helm'].includes(w[0]!) && w.some((x) => x === '-n' || x === '--namespace')).map((w) => w[w.findIndex((x) => x === '-n' || x === '--namespace') + 1]!),
      ...[...prose.matchAll(/`([a-z0-9-]+)` namespace|namespace `([a-z0-9-]+)`/g)].map((m) => (m[1] ?? m[2])!),
      // The environments table's "app namespace" column.
      ...[...prose.matchAll(/^\| [a-z-]+ \| `[^`]+` \| `([^`]+)` \|/gm)].map((m) => m[1]!),
    ];
    expect(quoted).toContain('hexabid-prod');
    for (const name of quoted) expect(namespaces, `namespace ${name}`).toContain(name);
  });

  it('names only log groups that exist', () => {
    const quoted = [
      ...FRAGMENTS.filter((f) => /^\/(hexabid|aws)\/|^aws-waf-logs-/.test(f)),
      ...flagValues('--log-group-name', '--log-group-names'),
      ...COMMANDS.flatMap((w) => (w[0] === 'aws' && w[1] === 'logs' && w[2] === 'tail' ? [w[3]!] : [])),
    ];
    expect(quoted.length).toBeGreaterThan(5);
    for (const name of quoted) expect(namesOneOf(name, logGroups), `log group ${name}`).toBe(true);
  });

  it('names only saved queries that exist, and names every one', () => {
    const full = FRAGMENTS.filter((f) => /^hexabid\/[^/]+\/containers\//.test(f) && !flagValues('--query-definition-name-prefix').includes(f));
    for (const name of full) expect(namesOneOf(name, queryNames), `saved query ${name}`).toBe(true);
    for (const prefix of flagValues('--query-definition-name-prefix')) expect(queryNames.some((q) => q.startsWith(prefix)), prefix).toBe(true);
    const shortNames = new Set(queryNames.map((q) => q.slice(q.lastIndexOf('/') + 1)));
    const quoted = [
      ...[...prose.matchAll(/saved query `([^`]+)`/g)].map((m) => m[1]!),
      // The first column of a table headed "saved query".
      ...[...prose.matchAll(/^\| saved query \|[^\n]*\n\|[^\n]*\n((?:\|[^\n]*\n)+)/gm)].flatMap((m) => [...m[1]!.matchAll(/^\| `([^`]+)`/gm)].map((r) => r[1]!)),
    ];
    expect(quoted.length).toBeGreaterThan(0);
    for (const name of quoted) expect(shortNames, `saved query ${name}`).toContain(name);
    for (const name of shortNames) expect(SPANS, `the runbook names the saved query ${name}`).toContain(name);
  });

  it('names databases, caches, search domains, clusters, node groups and queues that exist', () => {
    const checks: [string[], string[]][] = [
      [flagValues('--db-instance-identifier', '--source-db-instance-identifier'), dbIdentifiers],
      [flagValues('--replication-group-id'), all('aws_elasticache_replication_group').map((g) => g.replication_group_id)],
      [flagValues('--domain-name'), all('aws_opensearch_domain').map((d) => d.domain_name)],
      [flagValues('--cluster-name'), all('aws_eks_cluster').map((c) => c.name)],
      [flagValues('--nodegroup-name'), all('aws_eks_node_group').map((g) => g.node_group_name)],
      [flagValues('--queue-name'), all('aws_sqs_queue').map((q) => q.name)],
      [flagValues('--db-subnet-group-name'), all('aws_db_subnet_group').map((g) => g.name)],
    ];
    for (const [quoted, existing] of checks) for (const name of quoted) expect(CREATED.has(name) || existing.includes(name), name).toBe(true);
    for (const svc of FRAGMENTS.flatMap((f) => /^svc\/(.+)$/.exec(f)?.[1] ?? [])) expect(Object.values(PROMETHEUS_STACK_NAMES), `svc/${svc}`).toContain(svc);
  });

  it('quotes no HexaBid resource name that the synthesized stacks or the release lack', async () => {
    const { universe } = await known();
    const names = [...universe];
    const quoted = FRAGMENTS.filter(
      (f) =>
        (/^hexabid-/.test(f) || /^hexabid\/(<env>|[a-z-]+)\//.test(f) || /^\/(hexabid|aws)\//.test(f) || /^aws-waf-logs-/.test(f)) &&
        !CREATED.has(f) &&
        !flagValues('--alarm-name-prefix', '--query-definition-name-prefix').includes(f),
    );
    expect(quoted.length).toBeGreaterThan(30);
    const missing = quoted.filter((name) => !namesOneOf(name, names));
    expect(missing).toEqual([]);
  });
});
