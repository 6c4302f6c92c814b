/**
 * The estimator's parts on small hand-made stacks: usage files, tiered
 * prices, the price table's own rules, replicas across Regions, health
 * checks, inferred load balancers, committed rates, off-hours schedules,
 * surplus CPU credits, transfer between zones, budgets and the compare input.
 */
import { describe, expect, it } from 'vitest';
import { priceQuery } from '../../../tools/cost/prices/price-queries.ts';
import { PRICES } from '../../../tools/cost/prices/prices.ts';
import { budgetOf, budgetStatus } from '../../../tools/cost/budget.ts';
import { CompareInputError, parseBase } from '../../../tools/cost/compare.ts';
import { estimateEnvironment } from '../../../tools/cost/estimate.ts';
import { usd, signedUsd, unitPrice } from '../../../tools/cost/money.ts';
import { charge, HOURS_PER_MONTH, isUnverified, PriceBook, type PriceTable } from '../../../tools/cost/price-table.ts';
import { resourcesOf } from '../../../tools/cost/resources.ts';
import { groupByEnvironment, type JsonObject, type SynthesizedStack } from '../../../tools/cost/stacks.ts';
import { deployedToSynthesize } from '../../../tools/cost/synth.ts';
import { SCENARIOS } from '../../../tools/cost/scenarios.ts';
import { ENVIRONMENTS } from '../../../environments/index.ts';
import { parseUsage, Usage, UsageFileError } from '../../../tools/cost/usage.ts';

const H = HOURS_PER_MONTH;
const prices = new PriceBook(PRICES);

function stack(name: string, resource: Record<string, Record<string, JsonObject>>, regions: Record<string, string> = { '': 'ap-south-1' }): SynthesizedStack {
  const aws = Object.entries(regions).map(([alias, region]) => ({ ...(alias ? { alias } : {}), region, default_tags: [{ tags: { environment: 'test' } }] }));
  return { name, dir: '', json: { provider: { aws }, resource } };
}

function estimate(stacks: SynthesizedStack[], usageYaml = 'version: 0.1\n') {
  const [environment] = groupByEnvironment(stacks);
  return estimateEnvironment(environment!, { prices, usage: new Usage(parseUsage(usageYaml, 'test.yaml')), everything: stacks.flatMap(resourcesOf) });
}

describe('usage files', () => {
  it('take per-type defaults, and an address (with * for the hash) over them', () => {
    const usage = new Usage(
      parseUsage(
        ['version: 0.1', 'resource_type_default_usage:', '  aws_nat_gateway: { monthly_data_processed_gb: 10 }', 'resource_usage:', '  aws_nat_gateway.Network_NatGateway0_*: { monthly_data_processed_gb: 99 }'].join('\n'),
        'u.yaml',
      ),
    );
    expect(usage.value({ type: 'aws_nat_gateway', name: 'Network_NatGateway0_0824BA8F' }, 'monthly_data_processed_gb')).toBe(99);
    expect(usage.value({ type: 'aws_nat_gateway', name: 'Network_NatGateway1_ABCDEF12' }, 'monthly_data_processed_gb')).toBe(10);
    expect(usage.value({ type: 'aws_kms_key', name: 'K' }, 'monthly_requests')).toBeUndefined();
    expect(usage.unmatched([{ type: 'aws_nat_gateway', name: 'Other' }])).toEqual(['aws_nat_gateway.Network_NatGateway0_*']);
  });

  it.each([
    ['version: 0.2\n', /version must be 0\.1/],
    ['version: 0.1\nresource_type_default_usage:\n  aws_vpc: { size: 1 }\n', /no usage is priced for aws_vpc/],
    ['version: 0.1\nresource_type_default_usage:\n  aws_nat_gateway: { gb: 1 }\n', /aws_nat_gateway\.gb is not a usage key; known keys: monthly_data_processed_gb/],
    ['version: 0.1\nresource_type_default_usage:\n  aws_nat_gateway: { monthly_data_processed_gb: -1 }\n', /must be a number ≥ 0/],
    ['version: 0.1\nresource_usage:\n  not an address: {}\n', /must be a Terraform address/],
    ['version: 0.1\ndata_transfer: { monthly_inbound_gb: 1 }\n', /data_transfer\.monthly_inbound_gb is not a usage key/],
    ['version: 0.1\nextra: 1\n', /unknown top-level key extra/],
  ])('refuse %j', (text, message) => {
    expect(() => parseUsage(text, 'bad.yaml')).toThrow(UsageFileError);
    expect(() => parseUsage(text, 'bad.yaml')).toThrow(message);
  });
});

describe('the price table', () => {
  it('names a source for every row, and marks each unverified one as such', () => {
    for (const row of PRICES.rows) {
      expect(row.source.trim().length, `${row.key}@${row.region}`).toBeGreaterThan(20);
      if (row.region === 'ap-south-2') expect(isUnverified(row), `${row.key}@ap-south-2`).toBe(true);
      if (isUnverified(row)) expect(row.source).toMatch(/^unverified: .*(check|https:\/\/)/);
    }
    expect(PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('has a row in ap-south-1 and ap-south-2 for every regional key', () => {
    const regional = PRICES.rows.filter((r) => r.region !== 'global');
    const keys = new Set(regional.map((r) => r.key));
    for (const key of keys) for (const region of ['ap-south-1', 'ap-south-2']) expect(prices.has(key, region), `${key}@${region}`).toBe(true);
  });

  it('has a Price List query for every row, so the refresh can read each one', () => {
    const missing = PRICES.rows.filter((r) => priceQuery(r.key, r.region) === undefined).map((r) => `${r.key}@${r.region}`);
    expect(missing).toEqual([]);
    // A row with a committed rate is one whose query knows where AWS keeps it.
    for (const row of PRICES.rows.filter((r) => r.committed)) expect(priceQuery(row.key, row.region)!.committed?.kind, row.key).toBe(row.committed!.kind);
  });

  it('gives EC2, RDS, ElastiCache and OpenSearch instance rows a 1-year no-upfront rate below on demand, and nothing else one', () => {
    for (const row of PRICES.rows) {
      const committable = /^(ec2\.instance-hour|rds\.postgres\.instance-hour|elasticache\.valkey\.node-hour|opensearch\.instance-hour)\./.test(row.key);
      expect(row.committed !== undefined, `${row.key}@${row.region}`).toBe(committable);
      if (row.committed) expect(row.committed.usd).toBeLessThan(row.usd);
    }
    const row = PRICES.rows.find((r) => r.committed)!;
    expect(() => new PriceBook({ ...PRICES, rows: [{ ...row, committed: { ...row.committed!, usd: row.usd * 2 } }] })).toThrow(/committed rate that is negative, above the on-demand rate/);
  });

  it('refuses a key given twice for one Region', () => {
    const row = PRICES.rows[0]!;
    expect(() => new PriceBook({ ...PRICES, rows: [row, row] } satisfies PriceTable)).toThrow(/lists eks\.cluster-hour\.standard for global twice/);
  });

  it('walks tiers: S3 Standard past 50 TB', () => {
    const row = prices.row('s3.standard.gb-month', 'ap-south-1', 'test');
    expect(charge(row, 100).monthlyUsd).toBeCloseTo(100 * 0.025, 9);
    expect(charge(row, 60_000).monthlyUsd).toBeCloseTo(51_200 * 0.025 + 8_800 * 0.024, 9);
    expect(charge(row, 0).monthlyUsd).toBe(0);
  });
});

describe('pricing hand-made stacks', () => {
  it('prices a cross-Region read replica on its source storage, and its replication traffic to the source Region', () => {
    const primary = stack('hexabid-p', {
      aws_db_instance: { Primary: { identifier: 'hexabid-p', engine: 'postgres', instance_class: 'db.r6g.xlarge', allocated_storage: 300, storage_type: 'gp3', multi_az: true, backup_retention_period: 7 } },
    });
    const standby = stack(
      'hexabid-p-dr-standby',
      { aws_db_instance: { Replica: { identifier: 'hexabid-p-dr', instance_class: 'db.r6g.xlarge', replicate_source_db: 'arn:aws:rds:ap-south-1:123456789012:db:hexabid-p', multi_az: false } } },
      { '': 'ap-south-2' },
    );
    const [environment] = groupByEnvironment([standby]);
    const result = estimateEnvironment(environment!, {
      prices,
      usage: new Usage(parseUsage('version: 0.1\nresource_type_default_usage:\n  aws_db_instance: { monthly_cross_region_replication_gb: 100 }\n', 'u.yaml')),
      everything: [primary, standby].flatMap(resourcesOf),
    });
    const by = Object.fromEntries(result.lines.map((l) => [l.component, l]));
    expect(by['RDS postgres hexabid-p-dr']).toMatchObject({ region: 'ap-south-2', quantity: H, facts: { crossRegion: true, role: 'replica' } });
    expect(by['RDS postgres hexabid-p-dr: storage']).toMatchObject({ quantity: 300, usageBased: false });
    expect(by['RDS postgres hexabid-p-dr: replication traffic']).toMatchObject({ region: 'ap-south-1', quantity: 100, priceKey: 'transfer.inter-region.gb' });
    expect(by['RDS postgres hexabid-p-dr: backups']).toBeUndefined();
  });

  it('warns, and takes the usage file, when a replica source is nowhere to be found', () => {
    const stacks = [stack('hexabid-x', { aws_db_instance: { R: { identifier: 'r', instance_class: 'db.t4g.small', storage_type: 'gp3', replicate_source_db: 'arn:aws:rds:ap-south-1:1:db:elsewhere' } } })];
    expect(estimate(stacks).warnings.join()).toMatch(/storage size is not in the stacks .*set resource_usage aws_db_instance\.R: storage_gb/);
    const withUsage = estimate(stacks, 'version: 0.1\nresource_usage:\n  aws_db_instance.R: { storage_gb: 50 }\n');
    expect(withUsage.lines.find((l) => l.component === 'RDS postgres r: storage')).toMatchObject({ quantity: 50, usageBased: true });
    expect(withUsage.warnings).toEqual([]);
  });

  it('prices health checks by endpoint (an alias record of the environment is in AWS) and optional features', () => {
    const result = estimate([
      stack('hexabid-x', {
        aws_route53_record: { Origin: { name: 'origin.example.in', type: 'A', alias: { name: '${data.aws_lb.Lb.dns_name}', zone_id: 'z', evaluate_target_health: true } } },
        aws_route53_health_check: {
          InAws: { fqdn: 'origin.example.in', type: 'HTTPS', measure_latency: true, request_interval: 30 },
          Outside: { fqdn: 'status.example.com', type: 'HTTP_STR_MATCH', request_interval: 10 },
        },
      }),
    ]);
    const monthly = Object.fromEntries(result.lines.map((l) => [l.component, l.monthlyUsd]));
    expect(monthly['Route 53 health check origin.example.in']).toBe(0.5);
    expect(monthly['Route 53 health check origin.example.in: options']).toBe(2 * 1);
    expect(monthly['Route 53 health check status.example.com']).toBe(0.75);
    expect(monthly['Route 53 health check status.example.com: options']).toBe(2 * 2); // string matching and the fast interval
    expect(result.warnings.join()).toMatch(/status\.example\.com is not an alias record/);
  });

  it('prices Spot node groups at the on-demand list rate, and says so', () => {
    const result = estimate([
      stack('hexabid-x', {
        aws_eks_node_group: { Spot: { node_group_name: 'spot', instance_types: ['t3.large'], capacity_type: 'SPOT', disk_size: 40, scaling_config: { desired_size: 2, min_size: 1, max_size: 5 } } },
      }),
    ]);
    const nodes = result.lines.find((l) => l.component === 'EKS node group spot')!;
    expect(nodes.monthlyUsd).toBeCloseTo(2 * H * 0.0896, 9);
    expect(nodes.atMinUsd).toBeCloseTo(1 * H * 0.0896, 9);
    expect(nodes.atMaxUsd).toBeCloseTo(5 * H * 0.0896, 9);
    expect(nodes.detail).toMatch(/Spot priced at the on-demand list rate, an upper bound no commitment lowers/);
    // No Savings Plan covers Spot: its committed figure is its list figure.
    expect(nodes.committedMonthlyUsd).toBe(nodes.monthlyUsd);
    expect(result.lines.find((l) => l.component === 'EKS node group spot: volumes')!.quantity).toBe(2 * 40);
  });

  it('prices an EKS version out of standard support at the extended rate', () => {
    const result = estimate([stack('hexabid-x', { aws_eks_cluster: { C: { name: 'c', version: '1.30' } } })]);
    expect(result.lines[0]).toMatchObject({ priceKey: 'eks.cluster-hour.extended', monthlyUsd: H * 0.6 });
  });

  it('counts metric-math and anomaly-detection alarms by their metrics, and high resolution apart', () => {
    const result = estimate([
      stack('hexabid-x', {
        aws_cloudwatch_metric_alarm: {
          Plain: { metric_name: 'CPUUtilization', period: 300 },
          Math: { metric_query: [{ id: 'a', metric: { metric_name: 'x' } }, { id: 'b', metric: { metric_name: 'y' } }, { id: 'e', expression: 'a+b' }] },
          Anomaly: { metric_query: [{ id: 'm', metric: { metric_name: 'x' } }, { id: 'ad', expression: 'ANOMALY_DETECTION_BAND(m)' }], threshold_metric_id: 'ad' },
          Fast: { metric_name: 'x', period: 10 },
        },
      }),
    ]);
    const standard = result.lines.find((l) => l.priceKey === 'cloudwatch.alarm-metric-month')!;
    expect(standard.quantity).toBe(1 + 2 + 3);
    expect(result.lines.find((l) => l.priceKey === 'cloudwatch.alarm-metric-month.high-resolution')!.quantity).toBe(1);
  });

  it('prices secret replicas in their own Region, and S3 replication to another Region as transfer out of the source', () => {
    const result = estimate(
      [
        stack(
          'hexabid-x',
          {
            aws_secretsmanager_secret: { S: { name: 's', replica: [{ region: 'ap-south-2' }] } },
            aws_s3_bucket: { Src: { bucket: 'src' }, Dst: { bucket: 'dst', provider: 'aws.dr' } },
            aws_s3_bucket_replication_configuration: { R: { bucket: '${aws_s3_bucket.Src.id}', rule: [{ destination: { bucket: '${aws_s3_bucket.Dst.arn}' } }] } },
          },
          { '': 'ap-south-1', dr: 'ap-south-2' },
        ),
      ],
      'version: 0.1\nresource_usage:\n  aws_s3_bucket_replication_configuration.R: { monthly_replicated_gb: 50 }\n',
    );
    expect(result.lines.find((l) => l.component === 'Secrets Manager replica secrets')).toMatchObject({ region: 'ap-south-2', quantity: 1 });
    expect(result.lines.find((l) => l.component === 'S3 dst')!.region).toBe('ap-south-2');
    expect(result.lines.find((l) => l.component === 'S3 replication src')).toMatchObject({ region: 'ap-south-1', quantity: 50, monthlyUsd: 50 * 0.086 });
  });

  it('infers no ALB without the controller, and warns', () => {
    const result = estimate([stack('hexabid-x-k8s', { helm_release: { App: { name: 'app', chart: 'app', values: ['ingress:\n  enabled: true\n  className: alb\n'] } } })]);
    expect(result.lines).toEqual([]);
    expect(result.warnings.join()).toMatch(/no aws-load-balancer-controller release/);
  });

  it('infers an internal ALB (the controller default) without public addresses, and takes its LCUs from usage', () => {
    const result = estimate(
      [
        stack('hexabid-x-k8s', {
          helm_release: {
            Lbc: { name: 'aws-load-balancer-controller', chart: 'aws-load-balancer-controller', repository: 'https://aws.github.io/eks-charts' },
            App: { name: 'app', chart: 'app', values: ['{"ingress":{"enabled":true,"className":"alb"}}'] },
          },
        }),
      ],
      'version: 0.1\nresource_type_default_usage:\n  aws_lb: { new_connections: 50, processed_bytes_gb: 1, active_connections: 0, rule_evaluations: 0 }\n',
    );
    expect(result.lines.map((l) => l.component)).toEqual(['ALB for helm release app', 'ALB for helm release app: capacity units']);
    expect(result.lines[1]).toMatchObject({ quantity: 2 * H, usageBased: true }); // 50 new connections a second is 2 LCUs
    expect(result.lines[0]!.facts).toMatchObject({ scheme: 'internal' });
  });
});

describe('what the estimate adds beyond the resources themselves', () => {
  const group = (extra: JsonObject = {}) => ({
    node_group_name: 'app',
    instance_types: ['t3.medium'],
    capacity_type: 'ON_DEMAND',
    disk_size: 20,
    scaling_config: { desired_size: 2, min_size: 2, max_size: 3 },
    ...extra,
  });

  it('prices committed figures: a Compute Savings Plan on EC2, a reserved instance on RDS, none on storage', () => {
    const result = estimate([
      stack('hexabid-x', {
        aws_eks_node_group: { App: group() },
        aws_db_instance: { Db: { identifier: 'db', engine: 'postgres', instance_class: 'db.r6g.xlarge', allocated_storage: 100, storage_type: 'gp3', multi_az: true } },
      }),
    ]);
    const by = Object.fromEntries(result.lines.map((l) => [l.component, l]));
    const sp = prices.row('ec2.instance-hour.t3.medium', 'ap-south-1', 't').committed!;
    const ri = prices.row('rds.postgres.instance-hour.db.r6g.xlarge', 'ap-south-1', 't').committed!;
    expect(sp.kind).toBe('compute-savings-plan');
    expect(ri.kind).toBe('reserved');
    expect(by['EKS node group app']!.committedMonthlyUsd).toBeCloseTo(2 * H * sp.usd, 9);
    expect(by['RDS postgres db']!.committedMonthlyUsd).toBeCloseTo(2 * H * ri.usd, 9); // Multi-AZ: the standby is reserved too
    expect(by['RDS postgres db: storage']!.committedMonthlyUsd).toBe(by['RDS postgres db: storage']!.monthlyUsd);
    expect(result.committedMonthlyUsd).toBeCloseTo(result.lines.reduce((s, l) => s + l.committedMonthlyUsd, 0), 9);
    expect(result.committedMonthlyUsd).toBeLessThan(result.monthlyUsd);
  });

  it('prices a node group stopped out of hours for the share of the week it runs, its volumes too', () => {
    const asg = '${aws_eks_node_group.App.resources[0].autoscaling_groups[0].name}';
    const result = estimate([
      stack('hexabid-x', {
        aws_eks_node_group: { App: group() },
        aws_autoscaling_schedule: {
          Off: { autoscaling_group_name: asg, recurrence: '0 20 * * 1-5', time_zone: 'Asia/Kolkata', min_size: 0, max_size: 0, desired_capacity: 0 },
          On: { autoscaling_group_name: asg, recurrence: '0 8 * * 1-5', time_zone: 'Asia/Kolkata', min_size: 2, max_size: 3, desired_capacity: 2 },
        },
      }),
    ]);
    const share = (5 * 12) / (7 * 24);
    const nodes = result.lines.find((l) => l.component === 'EKS node group app')!;
    expect(nodes.quantity).toBeCloseTo(2 * H * share, 9);
    expect(nodes.atMaxUsd).toBeCloseTo(3 * H * share * 0.0448, 9);
    expect(nodes.detail).toMatch(/runs 35\.7% of the week \(0 8 \* \* 1-5 to 0 20 \* \* 1-5, Asia\/Kolkata\)/);
    expect(result.lines.find((l) => l.component === 'EKS node group app: volumes')!.quantity).toBeCloseTo(2 * 20 * share, 9);
  });

  it('prices a database stopped by schedule for the hours it runs, and on demand, not reserved, when that is cheaper', () => {
    const target = (action: string) => ({ arn: `arn:aws:scheduler:::aws-sdk:rds:${action}`, role_arn: 'r', input: JSON.stringify({ DbInstanceIdentifier: 'db' }) });
    const result = estimate([
      stack('hexabid-x', {
        aws_db_instance: { Db: { identifier: 'db', engine: 'postgres', instance_class: 'db.t4g.small', allocated_storage: 20, storage_type: 'gp3', multi_az: false } },
        aws_scheduler_schedule: {
          Stop: { schedule_expression: 'cron(0 20 ? * MON,TUE,WED,THU,FRI *)', schedule_expression_timezone: 'Asia/Kolkata', target: target('stopDBInstance') },
          Start: { schedule_expression: 'cron(0 8 ? * MON,TUE,WED,THU,FRI *)', schedule_expression_timezone: 'Asia/Kolkata', target: target('startDBInstance') },
        },
      }),
    ]);
    const share = (5 * 12) / (7 * 24);
    const row = prices.row('rds.postgres.instance-hour.db.t4g.small', 'ap-south-1', 't');
    const db = result.lines.find((l) => l.component === 'RDS postgres db')!;
    expect(db.quantity).toBeCloseTo(H * share, 9);
    expect(db.detail).toMatch(/runs 35\.7% of the week, stopped by schedule/);
    // A reserved instance bills every hour: 730 at the reserved rate is dearer than 261 on demand.
    expect(H * row.committed!.usd).toBeGreaterThan(db.monthlyUsd);
    expect(db.committedMonthlyUsd).toBe(db.monthlyUsd);
    // Storage is billed stopped or not.
    expect(result.lines.find((l) => l.component === 'RDS postgres db: storage')!.quantity).toBe(20);
  });

  it('prices surplus CPU credits above a T type baseline at the sustained load the usage file gives, and none below it', () => {
    const usage = (pct: number) => `version: 0.1\nresource_type_default_usage:\n  aws_eks_node_group: { sustained_cpu_percent: ${pct} }\n`;
    const busy = estimate([stack('hexabid-x', { aws_eks_node_group: { App: group() } })], usage(50));
    const credits = busy.lines.find((l) => l.priceKey === 'ec2.cpu-credits.t3.vcpu-hour')!;
    // A t3.medium earns 20% of each of its 2 vCPUs: 30% more, on 2 nodes all month.
    expect(credits).toMatchObject({ usageBased: true, unit: 'vCPU-hours' });
    expect(credits.quantity).toBeCloseTo(0.3 * 2 * 2 * H, 9);
    expect(credits.monthlyUsd).toBeCloseTo(0.3 * 2 * 2 * H * 0.05, 9);
    const idle = estimate([stack('hexabid-x', { aws_eks_node_group: { App: group() } })], usage(15));
    expect(idle.lines.find((l) => l.priceKey === 'ec2.cpu-credits.t3.vcpu-hour')!.monthlyUsd).toBe(0);
    const fixed = estimate([stack('hexabid-x', { aws_eks_node_group: { App: group({ instance_types: ['m6i.large'] }) } })], usage(90));
    expect(fixed.lines.some((l) => l.priceKey.startsWith('ec2.cpu-credits.'))).toBe(false);
  });

  it("prices Replication Time Control's fee per GB replicated, and transfer between zones on both sides", () => {
    const result = estimate(
      [
        stack(
          'hexabid-x',
          {
            aws_eks_cluster: { C: { name: 'c', version: '1.35' } },
            aws_s3_bucket: { Src: { bucket: 'src' }, Dst: { bucket: 'dst', provider: 'aws.dr' } },
            aws_s3_bucket_replication_configuration: {
              R: { bucket: '${aws_s3_bucket.Src.id}', rule: [{ destination: { bucket: '${aws_s3_bucket.Dst.arn}', replication_time: { status: 'Enabled', time: { minutes: 15 } } } }] },
            },
          },
          { '': 'ap-south-1', dr: 'ap-south-2' },
        ),
      ],
      'version: 0.1\nresource_usage:\n  aws_s3_bucket_replication_configuration.R: { monthly_replicated_gb: 50 }\ndata_transfer: { monthly_cross_zone_gb: 100 }\n',
    );
    expect(result.lines.find((l) => l.component === 'S3 Replication Time Control src')).toMatchObject({ region: 'ap-south-1', quantity: 50, priceKey: 's3.rtc.gb', monthlyUsd: 50 * 0.015 });
    expect(result.lines.find((l) => l.component === 'Data transfer between zones')).toMatchObject({ quantity: 200, monthlyUsd: 200 * 0.01, usageBased: true });
  });
});

describe('what a partial run synthesizes', () => {
  it("brings each named primary's standby, and a scenario's primary's, so their totals hold it", () => {
    expect(deployedToSynthesize(undefined)).toEqual([]);
    for (const env of ENVIRONMENTS) {
      const standby = env.disasterRecovery?.standbyEnvironment;
      expect(deployedToSynthesize([env.name])).toEqual(standby ? [env.name, standby] : [env.name]);
    }
    for (const scenario of SCENARIOS) {
      const standby = ENVIRONMENTS.find((e) => e.name === scenario.basedOn)?.disasterRecovery?.standbyEnvironment;
      expect(deployedToSynthesize([scenario.name])).toEqual(standby ? [standby] : []);
    }
    expect(ENVIRONMENTS.some((e) => e.disasterRecovery)).toBe(true);
  });
});

describe('budgets', () => {
  it('are read from a config only when it has budgetUsdPerMonth', () => {
    expect(budgetOf({ name: 'dev' })).toBeUndefined();
    expect(budgetOf({ name: 'dev', budgetUsdPerMonth: 500 })).toBe(500);
    expect(budgetOf(undefined)).toBeUndefined();
    expect(() => budgetOf({ budgetUsdPerMonth: '500' })).toThrow(/must be a positive number/);
    expect(budgetStatus(500, 442.24)).toEqual({ budgetUsd: 500, estimateUsd: 442.24, status: 'under', headroomUsd: expect.closeTo(57.76, 6), atMaxUsd: 442.24, atMaxStatus: 'under' });
    expect(budgetStatus(400, 442.24).status).toBe('over');
  });

  it('compare the node groups at their maximum too, so a budget only the desired sizes pass is flagged', () => {
    expect(budgetStatus(4000, 3567, 5162)).toMatchObject({ status: 'under', atMaxStatus: 'over', atMaxUsd: 5162 });
    expect(budgetStatus(6000, 3567, 5162)).toMatchObject({ status: 'under', atMaxStatus: 'under' });
  });
});

describe('--compare input', () => {
  it.each([
    [null, /expected the JSON output/],
    [{ format: 'infracost' }, /format is "infracost", expected "hexabid-cost\/1"/],
    [{ format: 'hexabid-cost/1', environments: {} }, /environments must be a list/],
    [{ format: 'hexabid-cost/1', environments: [{ name: 'dev' }] }, /environments\[0\] needs a name and a monthlyUsd/],
  ])('refuses %j', (json, message) => {
    expect(() => parseBase(json, 'base.json')).toThrow(CompareInputError);
    expect(() => parseBase(json, 'base.json')).toThrow(message);
  });
});

describe('money', () => {
  it('reads as dollars', () => {
    expect(usd(1234.567)).toBe('$1,234.57');
    expect(usd(12873, { cents: false })).toBe('$12,873');
    expect(signedUsd(-3.5)).toBe('-$3.50');
    expect(signedUsd(0.001)).toBe('$0.00');
    expect(unitPrice(0.0448)).toBe('$0.0448');
    expect(unitPrice(0.1)).toBe('$0.10');
    expect(unitPrice(0.0000133334)).toBe('$0.0000133334');
  });
});
