/**
 * `npm run cost` against the real stacks: every environment synthesized once
 * (main.ts and the cost scenarios, as the CLI does), then estimated from that
 * output. Known stacks give known totals; dev is checked line by line against
 * a hand calculation; every resource type is priced or known to be free; the
 * account's total leads, a primary's total holds its standby, and the table
 * fits 120 columns.
 */
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRICES } from '../../../tools/cost/prices/prices.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { budgetOf } from '../../../tools/cost/budget.ts';
import { compare, JSON_FORMAT, parseBase } from '../../../tools/cost/compare.ts';
import { UnpricedResourceTypeError } from '../../../tools/cost/estimate.ts';
import { COMMENT_MARKER, formatJson, formatMarkdown, formatTable, MARKDOWN_BUDGET, TABLE_WIDTH } from '../../../tools/cost/format.ts';
import { HOURS_PER_MONTH, MissingPriceError, PriceBook } from '../../../tools/cost/price-table.ts';
import { FREE_TYPES, PRICED_TYPES } from '../../../tools/cost/pricers/index.ts';
import { buildReport, environmentsIn, INDIA_GST_RATE, sharedEstimateName, type CostReport } from '../../../tools/cost/report.ts';
import { ACCOUNTS, NON_PRODUCTION_ACCOUNT, PRODUCTION_ACCOUNT } from '../../../environments/account.ts';
import { configFor, SCENARIOS } from '../../../tools/cost/scenarios.ts';
import { synthesizeScenarios } from '../../../tools/cost/synth.ts';
import { cli as costCli } from '../../../tools/cost/cli.ts';
import { scratchDir, synthOutdir } from '../../helpers/synth.ts';
import { UsageFileError } from '../../../tools/cost/usage.ts';
import { usd } from '../../../tools/cost/money.ts';

const run = promisify(execFile);
const root = resolve(__dirname, '..', '..', '..');
const usageDir = join(root, 'tools', 'cost', 'usage');
const H = HOURS_PER_MONTH;
/** Each account's shared stack, as the estimate names it. */
const SHARED = ACCOUNTS.map(sharedEstimateName);

let outdir = '';
let report: CostReport;

beforeAll(async () => {
  // The run's one synthesis of every stack, as `npm run synth` writes it (__tests__/setup/global.ts), and the scenarios beside it.
  outdir = scratchDir('hexabid-cost');
  cpSync(join(synthOutdir(), 'stacks'), join(outdir, 'stacks'), { recursive: true });
  await synthesizeScenarios(outdir);
  report = buildReport({ outdir, usageDir, prices: PRICES });
}, 180_000);

const env = (name: string) => {
  const found = report.environments.find((e) => e.estimate.environment === name);
  if (!found) throw new Error(`no estimate for ${name}`);
  return found;
};

/** A copy of the synthesized output, changed by `edit`, for tests that break something. */
function alteredCopy(edit: (stacksDir: string) => void): string {
  const copy = scratchDir('hexabid-cost-altered');
  cpSync(outdir, copy, { recursive: true });
  edit(join(copy, 'stacks'));
  return copy;
}

function editStack(stacksDir: string, stack: string, edit: (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) => void): void {
  const file = join(stacksDir, stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
}

describe('the estimate of the synthesized stacks', () => {
  it("covers every environment, each account's shared stack and then the scenarios, in that order", () => {
    expect(report.environments.map((e) => e.estimate.environment)).toEqual([...ENVIRONMENTS.map((e) => e.name), ...SHARED, ...SCENARIOS.map((s) => s.name)]);
    expect(report.environments.map((e) => e.kind)).toEqual([...ENVIRONMENTS.map(() => 'environment'), ...SHARED.map(() => 'shared'), ...SCENARIOS.map(() => 'scenario')]);
    expect(report.missing).toEqual([]);
  });

  it('gives the known totals for the known stacks, at list and committed', () => {
    const totals = Object.fromEntries(report.environments.map((e) => [e.estimate.environment, [Math.round(e.estimate.monthlyUsd * 100) / 100, Math.round(e.estimate.committedMonthlyUsd * 100) / 100]]));
    expect(totals).toMatchObject({
      dev: [244.89, 225.99],
      staging: [571.11, 502.61],
      // With its standby's standing cost.
      production: [4059.68, 3245.19],
      'production-dr': [485.85, 367.59],
      [sharedEstimateName(PRODUCTION_ACCOUNT)]: [10.11, 10.11],
      [sharedEstimateName(NON_PRODUCTION_ACCOUNT)]: [3.56, 3.56],
      'production-1000-tenants': [20484.23, 16380.35],
      // Spot workers are priced at the on-demand rate, an upper bound.
      'production-cost-optimised': [3918.2, 3192.02],
    });
    expect(env('production-dr').estimate.failoverMonthlyUsd).toBeCloseTo(2150.19, 2);
    expect(env('production').estimate.atMaxUsd).toBeCloseTo(5654.65, 2);
  });

  it("leads with the accounts' total: every deployed environment and each shared stack, a standby once, no scenario; then account by account", () => {
    const counted = report.environments.filter((e) => e.kind !== 'scenario' && !e.includedIn);
    expect(report.account.environments).toEqual(counted.map((e) => e.estimate.environment));
    expect(report.account.monthlyUsd).toBeCloseTo(counted.reduce((s, e) => s + e.estimate.monthlyUsd, 0), 9);
    expect(report.account.committedMonthlyUsd).toBeCloseTo(counted.reduce((s, e) => s + e.estimate.committedMonthlyUsd, 0), 9);
    // Each account holds its own environments and its shared stack, and the accounts add up to the total.
    expect(report.account.accounts.map((a) => a.name)).toEqual(ACCOUNTS.map((a) => a.name));
    for (const a of ACCOUNTS) {
      const mine = report.account.accounts.find((x) => x.name === a.name)!;
      const expected = [...ENVIRONMENTS.filter((e) => e.accountId === a.accountId && !e.standbyFor).map((e) => e.name), sharedEstimateName(a)];
      expect(mine.environments, a.name).toEqual(expected);
    }
    expect(report.account.accounts.reduce((s, a) => s + a.monthlyUsd, 0)).toBeCloseTo(report.account.monthlyUsd, 9);
    for (const standby of ENVIRONMENTS.filter((e) => e.standbyFor)) {
      expect(report.account.environments).not.toContain(standby.name);
      expect(env(standby.name).includedIn).toBe(standby.standbyFor!.primary);
    }
  });

  it("holds each primary's standby inside the primary's total, as one line, and its budget to its own stacks", () => {
    for (const primary of ENVIRONMENTS.filter((e) => e.disasterRecovery)) {
      const standby = env(primary.disasterRecovery!.standbyEnvironment).estimate;
      const p = env(primary.name);
      const line = p.estimate.lines.find((l) => l.category === 'standby')!;
      expect(line).toMatchObject({ monthlyUsd: standby.monthlyUsd, committedMonthlyUsd: standby.committedMonthlyUsd, facts: { standby: standby.environment } });
      expect(p.standby).toEqual({ environment: standby.environment, monthlyUsd: standby.monthlyUsd, committedMonthlyUsd: standby.committedMonthlyUsd });
      expect(p.budget!.estimateUsd).toBeCloseTo(p.estimate.monthlyUsd - standby.monthlyUsd, 9);
    }
  });

  it('sets the design estimate beside each environment the design prices', () => {
    expect(Object.fromEntries(report.environments.filter((e) => e.design).map((e) => [e.estimate.environment, e.design!.totalUsd]))).toEqual({
      dev: 190,
      staging: 430,
      production: 2768,
      'production-1000-tenants': 12873,
      'production-cost-optimised': 2768,
    });
    for (const e of report.environments.filter((x) => x.design)) {
      expect(e.design!.deltaUsd).toBeCloseTo(e.estimate.monthlyUsd - e.design!.totalUsd, 6);
      expect(e.design!.differences.length).toBeGreaterThan(0);
    }
  });

  it('prices dev line by line as a hand calculation does (quantity × unit price, 730 h a month)', () => {
    // dev: one cluster; app 2 × t3.medium on demand with 20 GiB gp3 each, and no other group, running weekdays
    // 08:00-20:00 (60 of 168 hours); db.t4g.small Single-AZ with 20 GiB, stopped in the same hours; one
    // cache.t4g.micro; one t3.small.search with 10 GiB; a t4g.nano NAT instance with an 8 GiB root volume and its Elastic IP; the Secrets Manager
    // endpoint in one zone; the hexabid release's internet-facing ALB in 3 public subnets (its zone is in the account's shared stack); a
    // web ACL with 5 rules; 8 + 4 KMS keys; 7 + 4 secrets; 10 + 3 alarms; Prometheus 10 GiB and Alertmanager 5 GiB.
    // Usage from tools/cost/usage/dev.yaml: 10% sustained CPU is under a t3.medium's 20% baseline, so no surplus credits.
    const retained = (14 * 12) / 365; // months of logs a 14-day retention keeps
    const up = 60 / 168;
    const expected: Record<string, number> = {
      'hexabid-dev EKS control plane hexabid-dev': 1 * H * 0.1,
      'hexabid-dev EKS node group app': 2 * H * up * 0.0448,
      'hexabid-dev EKS node group app: volumes': 2 * 20 * up * 0.0912,
      'hexabid-dev EKS node group app: surplus CPU credits': 0,
      'hexabid-dev RDS postgres hexabid-dev': 1 * H * up * 0.0423,
      'hexabid-dev RDS postgres hexabid-dev: storage': 20 * 0.131,
      'hexabid-dev RDS postgres hexabid-dev: backups': 0 * 0.095,
      'hexabid-dev ElastiCache valkey hexabid-dev': 1 * H * 0.0135,
      'hexabid-dev OpenSearch hexabid-dev: data nodes': 1 * H * 0.04,
      'hexabid-dev OpenSearch hexabid-dev: storage': 1 * 10 * 0.139,
      'hexabid-dev S3 hexabid-dev-access-logs-<…>': 2 * 0.025,
      'hexabid-dev S3 hexabid-dev-access-logs-<…>: PUT/COPY/POST/LIST': (20_000 / 1000) * 0.005,
      'hexabid-dev S3 hexabid-dev-access-logs-<…>: GET and other': 0,
      'hexabid-dev S3 hexabid-dev-documents-<…>': 100 * 0.025,
      'hexabid-dev S3 hexabid-dev-documents-<…>: PUT/COPY/POST/LIST': (50_000 / 1000) * 0.005,
      'hexabid-dev S3 hexabid-dev-documents-<…>: GET and other': (500_000 / 1000) * 0.0004,
      'hexabid-dev-k8s Data transfer out to the internet': 90 * 0.1093,
      'hexabid-dev Data transfer between zones': 2 * 20 * 0.01,
      'hexabid-dev EC2 instance hexabid-dev-nat': 1 * H * 0.00448,
      'hexabid-dev EC2 instance hexabid-dev-nat: root volume': 8 * 0.0912,
      'hexabid-dev Public IPv4 addresses (Elastic IPs)': 1 * H * 0.005,
      'hexabid-dev VPC interface endpoint secretsmanager': 1 * H * 0.011,
      'hexabid-dev VPC interface endpoint secretsmanager: data': 1 * 0.01,
      'hexabid-dev-k8s ALB for helm release hexabid': 1 * H * 0.0239,
      // The most of 0.5/25 new connections, 20/3000 active, 0.02 GB/h, 1/1000 rule evaluations: 0.02 LCU.
      'hexabid-dev-k8s ALB for helm release hexabid: capacity units': 0.02 * H * 0.008,
      'hexabid-dev-k8s ALB for helm release hexabid: public IPv4': 3 * H * 0.005,
      'hexabid-dev-k8s WAF web ACL hexabid-dev': 1 * 5,
      'hexabid-dev-k8s WAF web ACL hexabid-dev: rules': 5 * 1,
      'hexabid-dev-k8s WAF web ACL hexabid-dev: requests': 0.5 * 0.6,
      // The third-party secrets and their key are the infrastructure stack's; Grafana's admin secret is the -k8s stack's.
      'hexabid-dev KMS keys': 9 * 1,
      'hexabid-dev KMS keys: requests': ((9 * 2000) / 10_000) * 0.03,
      'hexabid-dev-k8s KMS keys': 3 * 1,
      'hexabid-dev-k8s KMS keys: requests': ((3 * 2000) / 10_000) * 0.03,
      'hexabid-dev Secrets Manager secrets': 10 * 0.4,
      'hexabid-dev Secrets Manager secrets: API calls': ((10 * 1000) / 10_000) * 0.05,
      'hexabid-dev-k8s Secrets Manager secrets': 1 * 0.4,
      'hexabid-dev-k8s Secrets Manager secrets: API calls': ((1 * 1000) / 10_000) * 0.05,
      // 11 log groups: flow logs 5 GB, control plane 3 GB, 9 others at 0.05 GB.
      'hexabid-dev CloudWatch Logs: ingestion': (5 + 3 + 9 * 0.05) * 0.5,
      'hexabid-dev CloudWatch Logs: storage': (5 + 3 + 9 * 0.05) * retained * 0.15 * 0.03,
      // 12 log groups: hexabid-dev 2 GB, kube-system 0.5 GB, WAF 0.75 GB, 9 others at 0.05 GB.
      'hexabid-dev-k8s CloudWatch Logs: ingestion': (2 + 0.5 + 0.75 + 9 * 0.05) * 0.5,
      'hexabid-dev-k8s CloudWatch Logs: storage': (2 + 0.5 + 0.75 + 9 * 0.05) * retained * 0.15 * 0.03,
      'hexabid-dev CloudWatch alarms': 10 * 0.1, // no NAT gateway alarms: EC2 recovers the NAT instance itself
      'hexabid-dev-k8s CloudWatch alarms': 3 * 0.1,
      'hexabid-dev-k8s Prometheus volumes (kube-prometheus-stack)': 1 * 10 * 0.0912,
      'hexabid-dev-k8s Alertmanager volumes (kube-prometheus-stack)': 1 * 5 * 0.0912,
      'hexabid-dev Lambda hexabid-dev-alarm-forwarder: requests': (200 / 1e6) * 0.2,
      'hexabid-dev Lambda hexabid-dev-alarm-forwarder: compute': 200 * 0.3 * (128 / 1024) * 0.0000133334,
      'hexabid-dev SNS topics: publishes': ((2 * 200) / 1e6) * 0.5, // two topics, 200 publishes each
      'hexabid-dev SQS standard queues: requests': 0,
    };
    const lines = env('dev').estimate.lines;
    const actual = Object.fromEntries(lines.map((l) => [`${l.stack} ${l.component}`, l.monthlyUsd]));
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, amount] of Object.entries(expected)) expect(actual[key], key).toBeCloseTo(amount, 9);
    for (const line of lines) expect(line.monthlyUsd, line.component).toBeCloseTo(line.quantity * line.unitPriceUsd, 9);
    expect(env('dev').estimate.monthlyUsd).toBeCloseTo(Object.values(expected).reduce((a, b) => a + b, 0), 9);
  });

  it("prices dev's committed figure with the Savings Plan on its on-demand nodes and reserved data stores, nothing on Spot", () => {
    const prices = new PriceBook(PRICES);
    const committed = (key: string) => prices.row(key, 'ap-south-1', 'test').committed!.usd;
    const up = 60 / 168;
    const lines = Object.fromEntries(env('dev').estimate.lines.map((l) => [l.component, l]));
    expect(lines['EKS node group app']!.committedMonthlyUsd).toBeCloseTo(2 * H * up * committed('ec2.instance-hour.t3.medium'), 9);
    // A reserved instance would bill all 730 hours of an instance that runs 261: on demand is cheaper.
    expect(H * committed('rds.postgres.instance-hour.db.t4g.small')).toBeGreaterThan(lines['RDS postgres hexabid-dev']!.monthlyUsd);
    expect(lines['RDS postgres hexabid-dev']!.committedMonthlyUsd).toBe(lines['RDS postgres hexabid-dev']!.monthlyUsd);
    expect(lines['EC2 instance hexabid-dev-nat']!.committedMonthlyUsd).toBeCloseTo(H * committed('ec2.instance-hour.t4g.nano'), 9);
    const staging = Object.fromEntries(env('staging').estimate.lines.map((l) => [l.component, l]));
    expect(staging['NAT gateways']!.committedMonthlyUsd).toBe(staging['NAT gateways']!.monthlyUsd);
  });

  it('marks the lines whose quantities come from the usage file', () => {
    const lines = env('staging').estimate.lines;
    const usage = lines.filter((l) => l.usageBased).map((l) => l.component);
    expect(usage).toContain('NAT gateways: data processed');
    expect(usage).toContain('Data transfer out to the internet');
    expect(usage).toContain('CloudWatch Logs: ingestion');
    expect(usage).toContain('S3 hexabid-staging-documents-<…>');
    expect(lines.filter((l) => !l.usageBased).map((l) => l.component)).toContain('NAT gateways');
  });

  it('prices a Multi-AZ primary, its standby and storage twice, and a read replica on its source storage', () => {
    const lines = env('production').estimate.lines;
    const primary = lines.find((l) => l.component === 'RDS postgres hexabid-production')!;
    expect(primary.quantity).toBe(2 * H);
    expect(lines.find((l) => l.component === 'RDS postgres hexabid-production: storage')!.quantity).toBe(2 * 200);
    expect(lines.find((l) => l.component === 'RDS postgres hexabid-production-replica-1: storage')!.quantity).toBe(200);
  });

  it('finds the cross-Region replica source of the DR standby, and keeps the failover stacks out of its monthly total', () => {
    const dr = env('production-dr').estimate;
    expect(dr.failoverOnlyStacks).toEqual(['hexabid-production-dr', 'hexabid-production-dr-k8s']);
    expect(dr.lines.every((l) => l.stack === 'hexabid-production-dr-standby')).toBe(true);
    const replica = dr.lines.find((l) => l.component === 'RDS postgres hexabid-production-dr')!;
    expect(replica.facts).toMatchObject({ crossRegion: true, role: 'replica', instanceClass: 'db.r6g.xlarge' });
    expect(dr.lines.find((l) => l.component === 'RDS postgres hexabid-production-dr: replication traffic')!.region).toBe('ap-south-1');
    expect(dr.failoverLines.some((l) => l.priceKey === 'eks.cluster-hour.standard')).toBe(true);
    expect(dr.failoverMonthlyUsd).toBeCloseTo(dr.monthlyUsd + dr.failoverLines.reduce((s, l) => s + l.monthlyUsd, 0), 9);
  });

  it('explains from the data why production differs from the design', () => {
    const reasons = env('production').design!.differences;
    const byCategory = Object.fromEntries(reasons.map((d) => [d.category, d.reason]));
    expect(byCategory.database).toMatch(/Multi-AZ db\.r6g\.xlarge at list is \$788; the design has \$580 \(74% of list\)/);
    expect(byCategory.standby).toMatch(/Standby production-dr, standing by \$486, not in the design/);
    expect(byCategory.nodes).toMatch(/app 3 × t3\.xlarge; worker 2 × t3\.large\) against the design's 5 × t3\.xlarge.*surplus CPU credits at the usage file's sustained load add \$22/);
    expect(byCategory.network).toMatch(/NAT gateways \$\d+.*not in the design/);
    expect(byCategory.security).toMatch(/KMS keys \$\d+.*not in the design/);
    expect(byCategory.edge).toMatch(/WAF web ACL hexabid-production .*CloudFront CDN \$50/);
    expect(env('production-1000-tenants').design!.differences.find((d) => d.category === 'database')!.reason).toMatch(/2 read replicas at list \$3,154; the design has 2 at \$1,160 \(37% of list\)/);
  });
});

describe('every resource type', () => {
  it('of every synthesized stack is priced or in the free list, never both', () => {
    const types = new Set(environmentsIn(outdir).flatMap((e) => e.stacks.flatMap((s) => Object.keys(s.json.resource ?? {}))));
    const unknown = [...types].filter((t) => !(t in PRICED_TYPES) && !(t in FREE_TYPES));
    expect(unknown, `unpriced types: ${unknown.join(', ')}`).toEqual([]);
    expect(Object.keys(PRICED_TYPES).filter((t) => t in FREE_TYPES)).toEqual([]);
  });

  it('priced in a synthesized stack has its prices in the table (no MissingPriceError)', () => {
    const keys = new Set(report.environments.flatMap((e) => [...e.estimate.lines, ...e.estimate.failoverLines].map((l) => `${l.priceKey}@${l.region}`)));
    expect(keys.size).toBeGreaterThan(40);
  });

  it('stops the estimate, named, when a stack holds a type that is neither priced nor free', async () => {
    const copy = alteredCopy((stacks) =>
      editStack(stacks, 'hexabid-dev', (json) => {
        json.resource.aws_mq_broker = { Broker: { broker_name: 'x', host_instance_type: 'mq.m5.large' } };
      }),
    );
    expect(() => buildReport({ outdir: copy, usageDir, prices: PRICES })).toThrow(UnpricedResourceTypeError);
    expect(() => buildReport({ outdir: copy, usageDir, prices: PRICES, only: ['staging'] })).toThrow(/aws_mq_broker \(e\.g\. hexabid-dev\/aws_mq_broker\.Broker\)/);
    // npm run cost exits 3 on it, with the same message.
    const failure = await Promise.resolve(costCli.run(costCli.parse(['--from', copy]))).catch((error: unknown) => error);
    expect(costCli.exitCodeOf!(failure)).toBe(3);
    expect(String(failure)).toContain('aws_mq_broker');
  });

  it('stops the estimate, named, when a price is missing from the table', () => {
    const copy = alteredCopy((stacks) =>
      editStack(stacks, 'hexabid-dev', (json) => {
        for (const group of Object.values(json.resource.aws_eks_node_group!)) group.instance_types = ['c7i.large'];
      }),
    );
    expect(() => buildReport({ outdir: copy, usageDir, prices: PRICES, only: ['dev'] })).toThrow(MissingPriceError);
    expect(() => buildReport({ outdir: copy, usageDir, prices: PRICES, only: ['dev'] })).toThrow(/no price for ec2\.instance-hour\.c7i\.large in ap-south-1 \(needed by hexabid-dev\/aws_eks_node_group\./);
  });

  it('prices no ALB for an environment whose release turns the Ingress off', () => {
    const copy = alteredCopy((stacks) =>
      editStack(stacks, 'hexabid-dev-k8s', (json) => {
        const release = Object.values(json.resource.helm_release!).find((r) => r.name === 'hexabid')!;
        release.set = [...(release.set as unknown[]), { name: 'ingress.enabled', value: 'false' }];
      }),
    );
    const lines = buildReport({ outdir: copy, usageDir, prices: PRICES, only: ['dev'] }).environments[0]!.estimate.lines;
    expect(lines.some((l) => l.resourceType === 'aws_lb')).toBe(false);
    expect(env('dev').estimate.lines.filter((l) => l.resourceType === 'aws_lb')).toHaveLength(3);
  });
});

describe('usage files', () => {
  it('exist for every environment and scenario the output holds', () => {
    const files = readdirSync(usageDir).map((f) => f.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual(report.environments.map((e) => e.estimate.environment).sort());
  });

  it('fail the estimate when a resource_usage address matches nothing, naming it', () => {
    const dir = scratchDir('hexabid-cost-usage');
    cpSync(usageDir, dir, { recursive: true });
    writeFileSync(join(dir, 'dev.yaml'), `${readFileSync(join(usageDir, 'dev.yaml'), 'utf8')}\n# a renamed bucket\nresource_usage_extra: {}\n`);
    expect(() => buildReport({ outdir, usageDir: dir, prices: PRICES, only: ['dev'] })).toThrow(/unknown top-level key resource_usage_extra/);
    writeFileSync(join(dir, 'dev.yaml'), readFileSync(join(usageDir, 'dev.yaml'), 'utf8').replace('aws_s3_bucket.Documents_Bucket_*', 'aws_s3_bucket.Invoices_Bucket_*'));
    expect(() => buildReport({ outdir, usageDir: dir, prices: PRICES, only: ['dev'] })).toThrow(UsageFileError);
    expect(() => buildReport({ outdir, usageDir: dir, prices: PRICES, only: ['dev'] })).toThrow(/aws_s3_bucket\.Invoices_Bucket_\* matches no resource of dev/);
  });
});

describe('outputs', () => {
  it('prints the account first, then the environments, then the scenarios, each with its committed figure and GST, in 120 columns', () => {
    const text = formatTable(report);
    const account = text.indexOf('THE ACCOUNT');
    const environments = text.indexOf('ENVIRONMENTS');
    const scenarios = text.indexOf('SCENARIOS (not deployed');
    expect(account).toBeGreaterThan(-1);
    expect(environments).toBeGreaterThan(account);
    expect(scenarios).toBeGreaterThan(environments);
    expect(text.indexOf('\nproduction-cost-optimised (')).toBeGreaterThan(scenarios);
    expect(text).toContain(`  List       ${usd(report.account.monthlyUsd).padStart(12)} a month`);
    expect(text).toMatch(/GST 18% +\$[\d,]+\.\d\d on the list total/);
    expect(text).toMatch(/Total \$244\.89 a month at list, \$225\.99 committed; GST 18% on top: \$44\.08 \(list\), \$40\.68 \(committed\)/);
    expect(text).toMatch(/design ~\$190: \+\$54\.89 \(\+29%\)/);
    expect(text).toMatch(/^ {2}\* {2}NAT gateways: data processed +30 GB +\$0\.056 +\$1\.68 +\$1\.68$/m);
    expect(text).toContain('Why it differs from the design:');
    expect(text).toContain(`Unverified prices used (${report.unverifiedPrices.length};`);
    expect(text).toContain('After a failover (hexabid-production-dr, hexabid-production-dr-k8s applied): $2,150.19 a month');
    const wide = text.split('\n').filter((l) => l.length > TABLE_WIDTH);
    expect(wide, wide.join('\n')).toEqual([]);
    const detailed = formatTable(report, undefined, { details: true });
    expect(detailed).toContain('2 × t3.medium (desired 2; min 2, max 3); runs 35.7% of the week');
    expect(detailed.split('\n').filter((l) => l.length > TABLE_WIDTH)).toEqual([]);
  });

  it('leaves GST out when switched off', () => {
    const without = buildReport({ outdir, usageDir, prices: PRICES, gstRate: 0 });
    expect(without.gst).toBeUndefined();
    expect(formatTable(without)).not.toContain('GST');
    expect(report.gst).toEqual({ rate: INDIA_GST_RATE });
  });

  it('writes Markdown for the PR comment: the sticky marker, the account, summary tables, usage marks, and under the size limit', () => {
    const md = formatMarkdown(report);
    expect(md.split('\n')[0]).toBe(COMMENT_MARKER);
    expect(md).toMatch(/\*\*The accounts\*\* \(.*\): \*\*\$[\d,]+\.\d\d\*\* a month at list, \$[\d,]+\.\d\d committed/);
    expect(md).toContain('| dev | $244.89 | $225.99 | $44.08 | ~$190 | +$54.89 (+29%) | under $300 |');
    expect(md).toContain('#### Scenarios (not deployed)');
    expect(md).toContain('| NAT gateways: data processed * | 30 GB through 1 gateway | 30 GB | $0.056 | $1.68 | $1.68 |');
    expect(md).toContain(`<details><summary>Unverified prices (${report.unverifiedPrices.length})`);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_BUDGET);
  });

  it('writes JSON that machines, and the next --compare, can read, with the committed figure and GST beside each list figure', () => {
    const json = JSON.parse(formatJson(report));
    expect(json.format).toBe(JSON_FORMAT);
    expect(json.hoursPerMonth).toBe(730);
    expect(json.priceTable.asOf).toBe(PRICES.asOf);
    expect(json.account.monthlyUsd).toBeCloseTo(report.account.monthlyUsd, 9);
    expect(json.account.gstUsd).toBeCloseTo(report.account.monthlyUsd * INDIA_GST_RATE, 2);
    const dev = json.environments.find((e: { name: string }) => e.name === 'dev');
    expect(dev).toMatchObject({ kind: 'environment', monthlyUsd: expect.closeTo(244.89, 2), committedMonthlyUsd: expect.closeTo(225.99, 2), gstUsd: expect.closeTo(44.08, 2) });
    expect(dev.design.totalUsd).toBe(190);
    expect(dev.lines[0]).toMatchObject({ component: 'EKS control plane hexabid-dev', quantity: 730, unitPriceUsd: 0.1, monthlyUsd: 73, committedMonthlyUsd: 73, usageBased: false, priceKey: 'eks.cluster-hour.standard' });
    for (const e of json.environments) expect(typeof e.committedMonthlyUsd, e.name).toBe('number');
    expect(json.environments.find((e: { name: string }) => e.name === 'production').standby.environment).toBe('production-dr');
    expect(json.unverifiedPrices.every((p: { source: string }) => /^(unverified:|committed rate unverified:)/.test(p.source))).toBe(true);
    expect(parseBase(json, 'self.json').map((e) => e.name)).toEqual(report.environments.map((e) => e.estimate.environment));
  });
});

describe('--compare', () => {
  it('gives each environment its monthly change against a base, with the lines that moved', () => {
    const base = JSON.parse(formatJson(report));
    const dev = base.environments.find((e: { name: string }) => e.name === 'dev');
    dev.monthlyUsd -= 73;
    dev.lines = dev.lines.filter((l: { component: string }) => l.component !== 'EKS control plane hexabid-dev');
    const shared = sharedEstimateName(PRODUCTION_ACCOUNT);
    base.environments = base.environments.filter((e: { name: string }) => e.name !== shared);
    base.environments.push({ name: 'qa', monthlyUsd: 100, lines: [] });
    const comparison = compare(report, parseBase(base, 'base.json'), 'base.json');
    const by = Object.fromEntries(comparison.environments.map((d) => [d.environment, d]));
    expect(by.dev).toMatchObject({ status: 'changed', deltaUsd: expect.closeTo(73, 6) });
    expect(by.dev!.lines).toEqual([{ stack: 'hexabid-dev', component: 'EKS control plane hexabid-dev', baseUsd: 0, headUsd: expect.closeTo(73, 6), deltaUsd: expect.closeTo(73, 6) }]);
    expect(by.staging).toMatchObject({ status: 'unchanged', deltaUsd: 0, lines: [] });
    expect(by[shared]).toMatchObject({ status: 'added', headUsd: expect.closeTo(10.11, 2) });
    expect(by.qa).toMatchObject({ status: 'removed', baseUsd: 100, deltaUsd: -100 });
    const md = formatMarkdown(report, comparison);
    expect(md).toContain('| Environment | List | Committed | GST 18% | Design | Difference | Change vs base | Budget |');
    expect(md).toContain('| dev | $244.89 | $225.99 | $44.08 | ~$190 | +$54.89 (+29%) | +$73.00 | under $300 |');
    expect(md).toContain('| qa (removed) | — | — | — | — | — | -$100.00 | — |');
    expect(md).toContain('| dev | hexabid-dev | EKS control plane hexabid-dev | $0.00 | $73.00 | +$73.00 |');
    expect(formatTable(report, comparison)).toContain('+$73.00 vs the base ($171.89)');
    expect(JSON.parse(formatJson(report, comparison)).compare.environments.find((d: { environment: string }) => d.environment === 'dev').deltaUsd).toBeCloseTo(73, 6);
  });
});

describe('the docs', () => {
  const page = (path: string) => readFileSync(join(root, path), 'utf8');
  const cells = (row: string) => row.split('|').slice(1, -1).map((c) => c.trim());
  /** The estimate a docs cell names: an environment or scenario name, or "production, `<preset>`" for a scenario. */
  const named = (cell: string) => {
    const preset = /^production, `(\w+)`$/.exec(cell)?.[1];
    if (preset) return SCENARIOS.find((s) => s.description.includes(preset))?.name;
    return report.environments.map((e) => e.estimate.environment).sort((a, b) => b.length - a.length).find((n) => cell === n || cell.startsWith(`${n},`) || cell.startsWith(`${n} `));
  };

  it("docs/COST.md's table of figures is the estimate's, to the cent", () => {
    const rows = page('docs/COST.md').split('\n').filter((l) => l.startsWith('| ')).map(cells);
    const account = rows.find((r) => r[0]!.startsWith('**Both accounts**'))!;
    expect(account.slice(1, 4)).toEqual([usd(report.account.monthlyUsd), usd(report.account.committedMonthlyUsd), usd(report.account.monthlyUsd * INDIA_GST_RATE)]);
    const stated = rows.filter((r) => /^\$[\d,]+\.\d\d$/.test(r[1] ?? '') && named(r[0]!));
    expect(stated.map((r) => named(r[0]!)).sort()).toEqual(report.environments.map((e) => e.estimate.environment).sort());
    for (const r of stated) {
      const e = env(named(r[0]!)!).estimate;
      expect(r.slice(1, 4), r[0]).toEqual([usd(e.monthlyUsd), usd(e.committedMonthlyUsd), usd(e.monthlyUsd * INDIA_GST_RATE)]);
    }
  });

  it("the README's environments table and cost paragraph are the estimate's, to the dollar", () => {
    const readme = page('README.md');
    const lines = readme.split('\n');
    const header = cells(lines.find((l) => l.startsWith('| | dev |'))!);
    const monthly = cells(lines.find((l) => l.startsWith('| Monthly, list / committed |'))!);
    const whole = (n: number) => usd(n, { cents: false });
    header.slice(1).forEach((cell, i) => {
      const name = named(cell);
      expect(name, cell).toBeDefined();
      const e = env(name!).estimate;
      expect(monthly[i + 1]!.startsWith(`${whole(e.monthlyUsd)} / ${whole(e.committedMonthlyUsd)}`), `${cell}: ${monthly[i + 1]}`).toBe(true);
    });
    const text = readme.replace(/\s+/g, ' ');
    expect(text).toContain(`The two accounts come to ${whole(report.account.monthlyUsd)} a month at list and ${whole(report.account.committedMonthlyUsd)} committed, before 18% GST (${whole(report.account.monthlyUsd * INDIA_GST_RATE)} at list)`);
  });
});

describe('budgets', () => {
  it("holds every environment that sets budgetUsdPerMonth under it, counting its own stacks (a standby has its own)", () => {
    for (const e of report.environments) {
      const budget = budgetOf(configFor(e.estimate.environment));
      if (budget === undefined) {
        expect(e.budget).toBeUndefined();
        continue;
      }
      expect(e.budget, e.estimate.environment).toMatchObject({ budgetUsd: budget });
      expect(e.budget!.estimateUsd, `${e.estimate.environment} is over its budget of $${budget}`).toBeLessThanOrEqual(budget);
      expect(e.budget!.estimateUsd).toBeCloseTo(e.estimate.monthlyUsd - (e.standby?.monthlyUsd ?? 0), 9);
    }
  });

  it("reports an environment whose node groups at their maximum would pass its budget, in every output", () => {
    const production = env('production');
    expect(production.budget).toMatchObject({ status: 'under', atMaxStatus: 'over' });
    expect(production.budget!.atMaxUsd).toBeCloseTo(production.estimate.atMaxUsd - production.standby!.monthlyUsd, 9);
    // The table wraps at 120 columns: compare its words, not its line breaks.
    expect(formatTable(report).replace(/\s+/g, ' ')).toMatch(/budget \$4,000: under by \$[\d,.]+; at its node groups' maximum \(\$5,168\.81\) OVER by \$1,168\.81/);
    expect(formatMarkdown(report)).toContain("**over at max** ($5,168.81)");
    expect(JSON.parse(formatJson(report)).environments.find((e: { name: string }) => e.name === 'production').budget.atMaxStatus).toBe('over');
  });
});

describe('npm run cost', () => {
  it('estimates every stack of an existing cdktf.out, as JSON on stdout, through npm', async () => {
    // Its speed is measured by npm run bench, not here: a timed test fails on a busy machine.
    const { stdout } = await run('npm', ['run', '-s', 'cost', '--', '--from', outdir, '--format', 'json'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    expect(JSON.parse(stdout).environments).toHaveLength(report.environments.length);
  }, 60_000);

  it('answers bad arguments with exit code 2 and what is wrong (the usage follows, lib/cli.ts)', async () => {
    expect(() => costCli.parse(['--from', outdir, '--format', 'xml'])).toThrow(/--format must be one of table, markdown, json/);
    const unknown = await Promise.resolve(costCli.run(costCli.parse(['--from', outdir, '--env', 'qa']))).catch((error: unknown) => error);
    expect(costCli.exitCodeOf!(unknown)).toBe(2);
    expect(String(unknown)).toContain('no stacks for "qa"');
  });
});
