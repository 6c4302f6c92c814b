import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSaysNoChanges } from '../../tools/ci/drift-issue.ts';
import { checkMarker, MAX_BODY_CHARS } from '../../tools/ci/pr-comment.ts';
import { AllowanceFileError, isExpired, loadAllowances, parseAllowances, type Allowance } from '../../tools/plan-summary/allowances.ts';
import { DATA_BEARING_TYPES, isDataBearingType } from '../../tools/plan-summary/data-bearing.ts';
import { parsePlan, PlanFormatError, type JsonValue, type Plan } from '../../tools/plan-summary/plan-format.ts';
import { isSensitiveAt, looksLikeCredential, touchesMark } from '../../tools/plan-summary/sensitive.ts';
import { codeSpan, COMMENT_LIMIT, environmentOfStack, escapeText, isGated, planFingerprint, summarizePlan, SummaryOptionsError, type SummaryOptions } from '../../tools/plan-summary/summarize.ts';
import { scratchDir } from '../helpers/synth.ts';

const root = resolve(__dirname, '..', '..');
const fixtures = join(root, '__tests__', 'fixtures', 'plans');
const raw = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8'));
const plan = (name: string): Plan => parsePlan(raw(name));
const NOW = new Date('2025-06-01T12:00:00Z');
const summarize = (name: string, options: Partial<SummaryOptions> & { stack: string }) => summarizePlan(plan(name), { now: NOW, ...options });

/** Every sensitive string in the fixtures, and a variable's value: none may reach the Markdown. */
const SECRETS = [
  'hunter2-Real-Looking-Secret-9f8e7d',
  'old-Password-Value-112233',
  'ssm-Secret-Value-0a1b2c3d',
  'ssm-Old-Secret-Value-998877',
  'helm-Nested-Secret-77aa88',
  'helm-Old-Nested-Secret-55',
  'k8s-Secret-Data-Value-13579',
  'var-Secret-Should-Not-Print-24680',
  'prod-Db-Password-Never-Show-31337',
];

describe('parsePlan', () => {
  it('reads the fixtures', () => {
    const mixed = plan('mixed');
    expect(mixed.resource_changes).toHaveLength(13);
    expect(mixed.resource_drift.map((r) => r.address)).toEqual(['aws_security_group.db', 'aws_iam_user.ops']);
    expect(Object.keys(mixed.output_changes)).toEqual(['db_endpoint', 'db_password', 'bastion_ip']);
    // Variables are not kept, so they cannot be printed.
    expect(JSON.stringify(mixed)).not.toContain('var-Secret');
  });

  it('takes a missing resource_changes, as Terraform writes an empty plan, as no changes', () => {
    expect(parsePlan({ format_version: '1.2' }).resource_changes).toEqual([]);
  });

  /** Sets (or with undefined, deletes) the value at a dotted path of parsed JSON. */
  function put(json: unknown, path: string, value: unknown): void {
    const steps = path.split('.');
    const parent = steps.slice(0, -1).reduce((node, step) => (node as Record<string, unknown>)[step], json) as Record<string, unknown>;
    if (value === undefined) delete parent[steps.at(-1)!];
    else parent[steps.at(-1)!] = value;
  }

  it.each([
    ['resource_changes.3.change.actions', ['delete', 'forget'], 'resource_changes[3].change.actions', 'unknown actions'],
    ['resource_changes.3.change.actions', 'update', 'resource_changes[3].change.actions', 'expected an array'],
    ['resource_changes.1.change', undefined, 'resource_changes[1].change', 'expected an object'],
    ['resource_changes.0.mode', 'imported', 'resource_changes[0].mode', '"managed" or "data"'],
    ['resource_drift.1.address', 7, 'resource_drift[1].address', 'non-empty string'],
    ['resource_changes.6.change.replace_paths', [['a'], 'b'], 'resource_changes[6].change.replace_paths[1]', 'strings and numbers'],
    ['output_changes.db_password', [], 'output_changes.db_password', 'expected an object'],
    ['format_version', '2.0', 'format_version', 'this tool reads 1.x'],
    ['format_version', undefined, 'format_version', 'terraform show -json'],
  ])('names the path of a malformed plan: %s = %j', (at, value, path, problem) => {
    const input = raw('mixed');
    put(input, at, value);
    let error: unknown;
    try {
      parsePlan(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanFormatError);
    expect((error as PlanFormatError).path).toBe(path);
    expect((error as PlanFormatError).message).toContain(problem);
  });

  it('refuses what is not an object', () => {
    expect(() => parsePlan([])).toThrow(/the plan: expected an object/);
  });
});

describe('sensitive marks', () => {
  it('covers a path when it or an ancestor is marked', () => {
    const marks: JsonValue = { password: true, nested: { map: { key: true } }, list: [{}, { value: true }], whole: true };
    expect(isSensitiveAt(marks, ['password'])).toBe(true);
    expect(isSensitiveAt(marks, ['nested', 'map', 'key'])).toBe(true);
    expect(isSensitiveAt(marks, ['nested', 'map'])).toBe(false);
    expect(isSensitiveAt(marks, ['whole', 'deep', 0, 'x'])).toBe(true);
    expect(isSensitiveAt(marks, ['list', 1, 'value'])).toBe(true);
    expect(isSensitiveAt(marks, ['list', 0, 'value'])).toBe(false);
    expect(isSensitiveAt(true, ['anything'])).toBe(true);
    expect(isSensitiveAt(false, ['anything'])).toBe(false);
    // touchesMark also looks inside: a map holding one sensitive key is not shown.
    expect(touchesMark(marks, ['nested'])).toBe(true);
    expect(touchesMark(marks, ['list'])).toBe(true);
    expect(touchesMark(marks, ['other'])).toBe(false);
  });

  it('treats credential-like names as sensitive', () => {
    for (const name of ['password', 'master_password', 'secret_string', 'auth_token', 'private_key', 'key_material_base64', 'api_key', 'user_data']) {
      expect(looksLikeCredential(name), name).toBe(true);
    }
    for (const name of ['instance_class', 'bucket', 'port', 'tags']) expect(looksLikeCredential(name), name).toBe(false);
  });
});

describe('summarizePlan: a plan with every kind of change', () => {
  const summary = summarize('mixed', { stack: 'hexabid-staging' });
  const md = summary.markdown;

  it('starts with the sticky comment marker and a heading with the verdict', () => {
    const [marker, heading] = md.split('\n');
    expect(marker).toBe('<!-- hexabid-plan:hexabid-staging -->');
    expect(() => checkMarker(marker!)).not.toThrow();
    expect(heading).toBe('### `hexabid-staging`: 3 to add, 3 to change, 2 to replace, 1 to destroy, 1 to forget, 1 to move; 2 output changes');
  });

  it('counts each action, and shows the counts without no-op', () => {
    expect(summary.counts).toEqual({ create: 3, update: 3, replace: 2, destroy: 1, forget: 1, read: 1, import: 0, move: 1, 'no-op': 1 });
    expect(md).toContain('| create | update | replace | destroy | forget | move | read |\n|--:|--:|--:|--:|--:|--:|--:|\n| 3 | 3 | 2 | 1 | 1 | 1 | 1 |');
    expect(md).not.toContain('aws_route53_record.www');
    expect(summary.blocked).toBe(false);
    expect(summary.dangerous).toEqual([]);
  });

  it('lists each resource in its action table, destroys first', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((r) => r.split(' | ')[0]!.slice(2))).toEqual([
      '`aws_iam_role_policy.legacy`',
      '`aws_instance.bastion`',
      '`aws_lb_target_group.app`',
      '`aws_cloudwatch_log_group.old`',
      '`module.database.aws_db_instance.main`',
      '`aws_ssm_parameter.feature_flags`',
      '`helm_release.app`',
      '`aws_cloudwatch_log_group.app`',
      '`module.app.aws_iam_role.app`',
      '`kubernetes_secret_v1.app`',
      '`aws_sns_topic.alerts`',
      '`data.aws_iam_policy_document.assume`',
      '`db_endpoint`',
      '`db_password`',
    ]);
    expect(md).toContain('| `aws_iam_role_policy.legacy` | `aws_iam_role_policy` | removed from the configuration |');
    expect(md).toContain('| `aws_sns_topic.alerts` | `aws_sns_topic` | moved from `aws_sns_topic.alarms` |');
    expect(md).toContain('| `data.aws_iam_policy_document.assume` | `aws_iam_policy_document` | its configuration is known only after apply |');
    expect(md).toContain('<summary>Forget (removed from state, not destroyed) (1)</summary>');
  });

  it('names the replace order and the attributes that force the replacement', () => {
    expect(md).toContain(
      '| `aws_instance.bastion` | `aws_instance` | **destroy, then create**<br>an attribute that cannot be updated changes<br>`ami`: `"ami-0aaa1111"` → `"ami-0bbb2222"` **forces replacement**<br>`id`: `"i-0abc"` → (known after apply)<br>`private_ip`: `"10.0.1.5"` → (known after apply) |',
    );
    expect(md).toContain('| `aws_lb_target_group.app` | `aws_lb_target_group` | **create, then destroy**<br>an attribute that cannot be updated changes<br>`port`: `8080` → `8081` **forces replacement**<br>`arn`: `"arn:aws:elasticloadbalancing:eu-central-1:123456789012:tar…` → (known after apply) |');
  });

  it('names the attributes an update changes, with values only where they are safe', () => {
    expect(md).toContain(
      '| `module.database.aws_db_instance.main` | `aws_db_instance` | `allocated_storage`: `50` → `100`<br>`connection_url` (value hidden)<br>`instance_class`: `"db.t4g.medium"` → `"db.t4g.large"`<br>`password` (sensitive)<br>`tags` |',
    );
    expect(md).toContain('| `helm_release.app` | `helm_release` | `metadata` (known after apply)<br>`set_sensitive` (sensitive)<br>`version`: `"1.4.0"` → `"1.5.0"` |');
  });

  it('escapes pipes, backticks and newlines in values', () => {
    expect(md).toContain('`description`: `"flags"` → ``"flags \\| `all` of them\\nsecond line"``<br>`value` (sensitive)');
  });

  it('never prints a sensitive value, nested or not, nor a variable', () => {
    for (const secret of SECRETS) expect(md).not.toContain(secret);
    // Not even a prefix of one, as a cut value would show.
    for (const secret of SECRETS) expect(md).not.toContain(secret.slice(0, 12));
  });

  it('lists output changes by name, sensitive ones marked, unchanged ones left out', () => {
    expect(md).toContain('| `db_endpoint` | update |\n| `db_password` | create (sensitive) |');
    expect(md).not.toContain('bastion_ip');
    expect(md).not.toContain('db.internal:5432');
  });

  it('folds the drift into a details block', () => {
    expect(md).toContain('<details><summary>Drift: 2 resources changed outside Terraform</summary>\n\n- `aws_security_group.db` (changed)\n- `aws_iam_user.ops` (deleted)\n\n</details>');
    expect(summary.drift).toBe(2);
  });

  it('does not say "No changes", so the drift issue stays open', () => {
    expect(reportSaysNoChanges(md)).toBe(false);
  });
});

describe('summarizePlan: no changes', () => {
  it('says so, and nothing else but the footer', () => {
    const summary = summarize('no-changes', { stack: 'hexabid-production-k8s' });
    expect(summary.markdown.split('\n').slice(0, 2)).toEqual(['<!-- hexabid-plan:hexabid-production-k8s -->', '### `hexabid-production-k8s`: No changes']);
    expect(summary.markdown).not.toContain('<details');
    expect(reportSaysNoChanges(summary.markdown)).toBe(true);
    expect(summary.fingerprint).toBe(planFingerprint(parsePlan({ format_version: '1.0' })));
  });
});

describe('summarizePlan options', () => {
  it('refuses what would break the marker or the Markdown', () => {
    for (const options of [
      { stack: 'hexabid--dev' },
      { stack: 'hexabid dev' },
      { stack: 'hexabid-dev', environment: 'Prod uction' },
      { stack: 'hexabid-dev', artifactUrl: 'javascript:alert(1)' },
      { stack: 'hexabid-dev', budget: 70_000 },
    ]) {
      expect(() => summarize('no-changes', options), JSON.stringify(options)).toThrow(SummaryOptionsError);
    }
  });
});

describe('planFingerprint', () => {
  it('changes with every value a change would write, not only with what it touches: an approval pins the values too', () => {
    const base = raw('production-db-destroy');
    const fingerprint = planFingerprint(parsePlan(base));
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const values = structuredClone(base) as { resource_changes: { address: string; change: { before: Record<string, unknown>; after: Record<string, unknown> | null } }[] };
    values.resource_changes[2]!.change.before.force_destroy = true;
    expect(planFingerprint(parsePlan(values))).not.toBe(fingerprint);
    const other = structuredClone(base) as typeof values;
    other.resource_changes[0]!.address = 'module.database.aws_db_instance.other';
    expect(planFingerprint(parsePlan(other))).not.toBe(fingerprint);
  });

  it('ignores the order of the changes and entries that change nothing', () => {
    const base = raw('mixed') as { resource_changes: { change: { actions: string[] } }[] };
    const fingerprint = planFingerprint(parsePlan(base));
    const reordered = structuredClone(base);
    reordered.resource_changes.reverse();
    expect(planFingerprint(parsePlan(reordered))).toBe(fingerprint);
    const noOp = structuredClone(base);
    noOp.resource_changes.push({ ...structuredClone(base.resource_changes[0]!), address: 'aws_s3_bucket.untouched', change: { ...structuredClone(base.resource_changes[0]!.change), actions: ['no-op'] } } as never);
    expect(planFingerprint(parsePlan(noOp))).toBe(fingerprint);
  });
});

describe('data-bearing destroys', () => {
  it('lists the gated types, and not the instances of a cluster', () => {
    expect(DATA_BEARING_TYPES).toContain('aws_db_instance');
    expect(DATA_BEARING_TYPES).toContain('kubernetes_persistent_volume_claim_v1');
    expect(isDataBearingType('aws_rds_cluster_instance')).toBe(false);
    expect(isDataBearingType('toString')).toBe(false);
  });

  it('derives the environment from the stack name; only dev is not gated', () => {
    expect(environmentOfStack('hexabid-production')).toBe('production');
    expect(environmentOfStack('hexabid-staging-k8s')).toBe('staging');
    expect(environmentOfStack('hexabid-bootstrap')).toBe('bootstrap');
    expect(environmentOfStack('other')).toBeUndefined();
    expect(['production', 'staging', 'bootstrap', undefined].map(isGated)).toEqual([true, true, true, true]);
    expect(isGated('dev')).toBe(false);
  });

  it('blocks a database destroy in production, and says so first, with what to do', () => {
    const summary = summarize('production-db-destroy', { stack: 'hexabid-production' });
    expect(summary.blocked).toBe(true);
    expect(summary.dangerous).toEqual([
      expect.objectContaining({ address: 'module.database.aws_db_instance.main', action: 'destroy', actionReason: 'delete_because_no_resource_config', allowed: false }),
    ]);
    const lines = summary.markdown.split('\n');
    expect(lines[1]).toBe('### ⛔ `hexabid-production`: 1 to change, 2 to destroy');
    expect(lines[3]).toBe('> [!CAUTION]');
    expect(lines[4]).toContain('**Blocked: this plan destroys or replaces data-bearing resources in `hexabid-production` (production).**');
    expect(summary.markdown).toContain('add the label `allow-data-loss` to allow every listed change');
    expect(summary.markdown).toContain('`ci/allowed-data-destroys.json`');
    expect(summary.markdown).toContain('| `module.database.aws_db_instance.main` | **destroy** | removed from the configuration | the database and, unless a final snapshot is taken, its automated backups | ⛔ **no** |');
    // The danger section comes before the counts and every table.
    const danger = summary.markdown.indexOf('[!CAUTION]');
    expect(danger).toBeLessThan(summary.markdown.indexOf('| create |'));
    expect(danger).toBeLessThan(summary.markdown.indexOf('<details'));
    expect(summary.markdown).not.toContain('prod-Db-Password');
    expect(reportSaysNoChanges(summary.markdown)).toBe(false);
  });

  it('lets the allow-data-loss label through, and says so', () => {
    const summary = summarize('production-db-destroy', { stack: 'hexabid-production', allowDataLoss: true });
    expect(summary.blocked).toBe(false);
    expect(summary.dangerous[0]).toMatchObject({ allowed: true, allowedBy: 'label' });
    expect(summary.markdown).toContain('> [!WARNING]');
    expect(summary.markdown).toContain('allowed by the `allow-data-loss` label');
  });

  it('does not gate dev, but still lists the change', () => {
    const summary = summarize('production-db-destroy', { stack: 'hexabid-dev' });
    expect(summary).toMatchObject({ blocked: false, gated: false, environment: 'dev' });
    expect(summary.markdown).toContain('not gated in dev');
    expect(summary.markdown).toContain('| `module.database.aws_db_instance.main` | **destroy** |');
  });

  it('gates by --environment over the stack name, and an unknown environment too', () => {
    expect(summarize('production-db-destroy', { stack: 'hexabid-dev', environment: 'production' }).blocked).toBe(true);
    expect(summarize('production-db-destroy', { stack: 'scratch' }).blocked).toBe(true);
  });

  it('marks both kinds of replace of data-bearing resources', () => {
    const summary = summarize('s3-replace', { stack: 'hexabid-staging' });
    expect(summary.blocked).toBe(true);
    expect(summary.dangerous.map((d) => [d.address, d.order])).toEqual([
      ['module.storage.aws_s3_bucket.uploads', 'destroy-before-create'],
      ['module.images.aws_ecr_repository.this["api"]', 'create-before-destroy'],
    ]);
    expect(summary.markdown).toContain('| `module.storage.aws_s3_bucket.uploads` | **replace** (destroy, then create) | an attribute that cannot be updated changes |');
    expect(summary.markdown).toContain('`bucket`: `"hexabid-staging-uploads"` → `"hexabid-staging-user-uploads"` **forces replacement**');
  });
});

describe('allowances', () => {
  const allowance = (address: string, expires = '2025-12-31'): Allowance => ({ stack: 'hexabid-staging', address, reason: 'bucket renamed; objects copied by hand (#123)', expires });

  it('let exactly the addresses they name through, for their stack only', () => {
    const one = summarize('s3-replace', { stack: 'hexabid-staging', allowances: [allowance('module.storage.aws_s3_bucket.uploads')] });
    expect(one.blocked).toBe(true);
    expect(one.dangerous.map((d) => d.allowedBy)).toEqual(['allowance', undefined]);
    expect(one.markdown).toContain('yes, until 2025-12-31: bucket renamed; objects copied by hand \\(\\#123\\)');

    const both = [allowance('module.storage.aws_s3_bucket.uploads'), allowance('module.images.aws_ecr_repository.this["api"]')];
    expect(summarize('s3-replace', { stack: 'hexabid-staging', allowances: both }).blocked).toBe(false);
    expect(summarize('s3-replace', { stack: 'hexabid-production', allowances: both }).blocked).toBe(true);
    expect(summarize('s3-replace', { stack: 'hexabid-staging', allowances: [allowance('aws_s3_bucket.uploads'), allowance('module.images.aws_ecr_repository.this')] }).blocked).toBe(true);
  });

  it('stop counting once expired, and the summary says so', () => {
    const summary = summarize('s3-replace', {
      stack: 'hexabid-staging',
      allowances: [allowance('module.storage.aws_s3_bucket.uploads'), allowance('module.images.aws_ecr_repository.this["api"]', '2025-05-31')],
    });
    expect(summary.blocked).toBe(true);
    expect(summary.dangerous[1]).toMatchObject({ allowed: false, expiredAllowances: [expect.objectContaining({ expires: '2025-05-31' })] });
    expect(summary.markdown).toContain('⛔ **no** (its allowance expired 2025-05-31)');
    expect(summary.markdown).toContain('Expired allowances in `ci/allowed-data-destroys.json`, which no longer count; remove them: `module.images.aws_ecr_repository.this["api"]` (expired 2025-05-31).');
  });

  it('hold through their expiry day, UTC', () => {
    const a = allowance('x', '2025-06-01');
    expect(isExpired(a, new Date('2025-06-01T23:59:59Z'))).toBe(false);
    expect(isExpired(a, new Date('2025-06-02T00:00:00Z'))).toBe(true);
  });

  it('are checked strictly, naming the entry and field', () => {
    const valid = { stack: 'hexabid-staging', address: 'module.x.aws_s3_bucket.y', reason: 'moved', expires: '2027-01-31' };
    expect(parseAllowances({ allowances: [valid] }, 'f.json')).toEqual([valid]);
    const cases: [unknown, string][] = [
      [{ allowances: [valid, { ...valid, note: 'x' }] }, 'f.json: allowances[1].note: unknown key'],
      [{ allowances: [valid, valid, { ...valid, reason: undefined }] }, 'f.json: allowances[2].reason: missing'],
      [{ allowances: [{ ...valid, reason: '  ' }] }, 'f.json: allowances[0].reason: expected a non-empty string'],
      [{ allowances: [{ ...valid, expires: '2027-02-30' }] }, 'f.json: allowances[0].expires: "2027-02-30" is not a date as YYYY-MM-DD'],
      [{ allowances: [{ ...valid, expires: '31.01.2027' }] }, 'allowances[0].expires'],
      [{ allowances: [] , extra: true }, 'f.json: top level: unknown key "extra"'],
      [{ allowance: [] }, 'unknown key "allowance"'],
      [{ allowances: {} }, 'f.json: allowances: expected an array'],
      [{ allowances: ['x'] }, 'f.json: allowances[0]: expected an object'],
    ];
    for (const [json, message] of cases) {
      expect(() => parseAllowances(json, 'f.json'), message).toThrow(AllowanceFileError);
      expect(() => parseAllowances(json, 'f.json'), message).toThrow(message);
    }
  });

  it('start empty in the committed file', () => {
    expect(loadAllowances(join(root, 'ci', 'allowed-data-destroys.json'))).toEqual([]);
  });
});

describe('the comment size limit', () => {
  /** A plan of n updates, each with wide attribute changes, and one database destroy. */
  function bigPlan(n: number): Plan {
    const updates = Array.from({ length: n }, (_, i) => ({
      address: `module.service_${i}.aws_ecs_service.this["a-rather-long-for-each-key-${i}"]`,
      mode: 'managed',
      type: 'aws_ecs_service',
      name: 'this',
      change: {
        actions: ['update'],
        before: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`attribute_${k}`, `before-value-${i}-${k}`])),
        after: Object.fromEntries(Array.from({ length: 8 }, (_, k) => [`attribute_${k}`, `after-value-${i}-${k}`])),
        after_unknown: {},
        before_sensitive: {},
        after_sensitive: {},
      },
    }));
    const destroy = { address: 'aws_db_instance.main', mode: 'managed', type: 'aws_db_instance', name: 'main', change: { actions: ['delete'], before: {}, after: null } };
    return parsePlan({ format_version: '1.2', terraform_version: '1.13.4', resource_changes: [...updates, destroy] });
  }
  const big = bigPlan(2000);

  it('stops adding rows at the budget, and points to the full plan', () => {
    const summary = summarizePlan(big, { stack: 'hexabid-production', artifactUrl: 'https://github.com/hexabid/infrastructure/actions/runs/42', now: NOW });
    expect(summary.markdown.length).toBeLessThanOrEqual(60_000);
    expect(summary.markdown.length).toBeLessThan(MAX_BODY_CHARS);
    expect(COMMENT_LIMIT).toBe(MAX_BODY_CHARS);
    const rows = summary.markdown.split('\n').filter((l) => l.startsWith('| `module.service_')).length;
    expect(rows).toBeGreaterThan(50);
    expect(summary.omitted).toBe(2000 - rows);
    expect(summary.markdown).toContain(`**${summary.omitted} resource changes left out** to keep this comment under GitHub's 65,536-character limit; [the plan artifact of this run](https://github.com/hexabid/infrastructure/actions/runs/42) has the full plan.`);
    // The danger section and the destroy table come before the cut.
    expect(summary.blocked).toBe(true);
    expect(summary.markdown).toContain('| `aws_db_instance.main` | **destroy** |');
    expect(summary.markdown).toContain('| `aws_db_instance.main` | `aws_db_instance` |');
    expect(summary.markdown.match(/<details/g)!.length).toBe(summary.markdown.match(/<\/details>/g)!.length);
  });

  it('says where the plan is without a URL, and keeps a small budget', () => {
    const summary = summarizePlan(big, { stack: 'hexabid-dev', budget: 8_000, now: NOW });
    expect(summary.markdown.length).toBeLessThanOrEqual(8_000);
    expect(summary.markdown).toContain('has the full plan');
    expect(summary.markdown).toContain('the plan artifact of this run has the full plan.');
  });

  it('cuts a very long danger list too, but keeps the verdict on it', () => {
    const buckets = Array.from({ length: 3000 }, (_, i) => ({
      address: `module.tenant_${i}.aws_s3_bucket.data`, mode: 'managed', type: 'aws_s3_bucket', name: 'data', action_reason: 'delete_because_no_module',
      change: { actions: ['delete'], before: { bucket: `tenant-${i}` }, after: null },
    }));
    const summary = summarizePlan(parsePlan({ format_version: '1.2', resource_changes: buckets }), { stack: 'hexabid-production', now: NOW });
    expect(summary.markdown.length).toBeLessThan(COMMENT_LIMIT);
    expect(summary.dangerous).toHaveLength(3000);
    expect(summary.markdown).toContain('**Blocked:');
    expect(summary.markdown).toMatch(/\d+ more data-bearing changes not listed here; the plan artifact of this run has them all\./);
  });
});

describe('Markdown escaping', () => {
  it('makes plain text inert', () => {
    expect(escapeText('<!-- x --> [a](b) *c* @team | d\ne')).toBe('\\<\\!-- x --\\> \\[a\\]\\(b\\) \\*c\\* @\u200bteam \\| d e');
  });

  it('wraps any text in a code span', () => {
    expect(codeSpan('a|b')).toBe('`a\\|b`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`', false)).toBe('`` `x` ``');
  });
});

describe('npm run plan:summary', () => {
  const dir = scratchDir('plan-summary');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI; resolves with its exit code and output, whatever the code. */
  function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) => {
      const child = execFile(process.execPath, ['--require', 'tsx/cjs', 'tools/plan-summary/cli.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
      child.stdin!.end(stdin ?? '');
    });
  }

  it.concurrent('exits 3 on a blocked plan, with the summary written to --output', async () => {
    const output = join(dir, 'blocked.md');
    const result = await cli([join(fixtures, 'production-db-destroy.json'), '--stack', 'hexabid-production', '--artifact-url', 'https://example.test/run/1', '--output', output]);
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toContain('module.database.aws_db_instance.main');
    expect(readFileSync(output, 'utf8')).toMatch(/^<!-- hexabid-plan:hexabid-production -->\n### ⛔/);
  });

  it.concurrent('reads stdin, takes the label, and prints JSON for the workflow', async () => {
    const result = await cli(['-', '--stack', 'hexabid-production', '--allow-data-loss', '--json'], readFileSync(join(fixtures, 'production-db-destroy.json'), 'utf8'));
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ stack: 'hexabid-production', blocked: false, gated: true, counts: { destroy: 2, update: 1 } });
    expect(json.dangerous).toEqual([expect.objectContaining({ address: 'module.database.aws_db_instance.main', allowedBy: 'label' })]);
    expect(json.markdown).toBeUndefined();
  });

  it.concurrent('exits 2 on a malformed plan, naming the path, without a stack trace', async () => {
    const input = raw('mixed');
    (input.resource_changes as { change: { actions: unknown } }[])[3]!.change.actions = ['explode'];
    const file = join(dir, 'malformed.json');
    writeFileSync(file, JSON.stringify(input));
    const result = await cli([file, '--stack', 'hexabid-dev']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('resource_changes[3].change.actions: unknown actions ["explode"]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.concurrent('exits 2 on a bad allowance file, naming the entry and field', async () => {
    const file = join(dir, 'allowances.json');
    writeFileSync(file, JSON.stringify({ allowances: [{ stack: 'hexabid-staging', address: 'a.b', expires: '2027-01-31' }] }));
    const result = await cli([join(fixtures, 'no-changes.json'), '--stack', 'hexabid-staging', '--allowances', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: allowances[0].reason: missing`);
    expect(result.stdout).toBe('');
  });
});
