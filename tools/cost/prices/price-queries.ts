/**
 * What the price refresh asks AWS for each row of tools/cost/prices/prices.json: a
 * Price List Query API (GetProducts) service code and TERM_MATCH filters
 * that must match exactly one product, the unit its price dimension must be
 * in, and for rows with a commitment, where the 1-year no-upfront rate is:
 * the product's Reserved term (RDS, ElastiCache, OpenSearch) or a Compute
 * Savings Plan rate (EC2, DescribeSavingsPlansOfferingRates).
 *
 * Attribute names and values are the Price List's own (`aws pricing
 * describe-services --service-code <code>` lists a service's attributes,
 * `aws pricing get-attribute-values` their values). A row whose filters
 * match no product or several stops the refresh with the row and the
 * filters named, so a renamed attribute is found, not guessed around.
 */

/** A usage type's prefix in a Region (APS3-BoxUsage:t3.medium); us-east-1 has none. */
const USAGE_PREFIX: Readonly<Record<string, string>> = { 'ap-south-1': 'APS3-', 'ap-south-2': 'APS5-', 'us-east-1': '' };

/** Where a `global` row is read: the account's Region. */
export const GLOBAL_ROWS_REGION = 'ap-south-1';

export interface ReservedTermQuery {
  readonly kind: 'reserved';
  /** The Reserved term's attributes, e.g. { LeaseContractLength: '1yr', PurchaseOption: 'No Upfront' }. */
  readonly termAttributes: Readonly<Record<string, string>>;
}

export interface SavingsPlanQuery {
  readonly kind: 'compute-savings-plan';
  /** The EC2 usage type and operation the plan's rate is for (APS3-BoxUsage:t3.medium, RunInstances). */
  readonly usageType: string;
  readonly operation: string;
  readonly region: string;
}

export interface PriceListQuery {
  readonly serviceCode: string;
  /** TERM_MATCH filters: attribute name → value. */
  readonly filters: Readonly<Record<string, string>>;
  /** The unit the on-demand price dimension must be in (Hrs, GB-Mo, GB, Requests …). */
  readonly unit: string;
  /** What a unit of the row is in the price dimension's unit (a row per 1k requests is 1,000 Requests). */
  readonly unitsPerRowUnit?: number;
  /** Tiered prices keep every band of the dimension; others must have exactly one. */
  readonly tiered?: boolean;
  readonly committed?: ReservedTermQuery | SavingsPlanQuery;
}

const ONE_YEAR_NO_UPFRONT = { kind: 'reserved', termAttributes: { LeaseContractLength: '1yr', PurchaseOption: 'No Upfront' } } as const;

/** The query for a row, or undefined when the table has a key this file does not know (the refresh then stops, naming it). */
export function priceQuery(key: string, rowRegion: string): PriceListQuery | undefined {
  const region = rowRegion === 'global' ? GLOBAL_ROWS_REGION : rowRegion;
  const prefix = USAGE_PREFIX[region];
  if (prefix === undefined) return undefined;
  const inRegion = { regionCode: region };
  let m: RegExpExecArray | null;

  if ((m = /^ec2\.instance-hour\.(.+)$/.exec(key))) {
    return {
      serviceCode: 'AmazonEC2',
      filters: { ...inRegion, instanceType: m[1]!, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used', licenseModel: 'No License required' },
      unit: 'Hrs',
      committed: { kind: 'compute-savings-plan', usageType: `${prefix}BoxUsage:${m[1]}`, operation: 'RunInstances', region },
    };
  }
  if ((m = /^ec2\.cpu-credits\.(t\d[a-z]*)\.vcpu-hour$/.exec(key))) {
    return { serviceCode: 'AmazonEC2', filters: { ...inRegion, usagetype: `${prefix}CPUCredits:${m[1]}`, operatingSystem: 'Linux' }, unit: 'vCPU-Hours' };
  }
  if ((m = /^ebs\.(gp3|gp2)\.gb-month$/.exec(key))) {
    return { serviceCode: 'AmazonEC2', filters: { ...inRegion, productFamily: 'Storage', volumeApiName: m[1]! }, unit: 'GB-Mo' };
  }
  if ((m = /^rds\.postgres\.instance-hour\.(.+)$/.exec(key))) {
    return {
      serviceCode: 'AmazonRDS',
      filters: { ...inRegion, instanceType: m[1]!, databaseEngine: 'PostgreSQL', deploymentOption: 'Single-AZ' },
      unit: 'Hrs',
      committed: ONE_YEAR_NO_UPFRONT,
    };
  }
  if ((m = /^elasticache\.valkey\.node-hour\.(.+)$/.exec(key))) {
    return { serviceCode: 'AmazonElastiCache', filters: { ...inRegion, instanceType: m[1]!, cacheEngine: 'Valkey' }, unit: 'Hrs', committed: ONE_YEAR_NO_UPFRONT };
  }
  if ((m = /^opensearch\.instance-hour\.(.+)$/.exec(key))) {
    return { serviceCode: 'AmazonES', filters: { ...inRegion, instanceType: m[1]! }, unit: 'Hrs', committed: ONE_YEAR_NO_UPFRONT };
  }

  const fixed: Readonly<Record<string, Omit<PriceListQuery, 'filters'> & { readonly filters: Readonly<Record<string, string>> }>> = {
    'eks.cluster-hour.standard': { serviceCode: 'AmazonEKS', filters: { usagetype: `${prefix}AmazonEKS-Hours:perCluster` }, unit: 'Hrs' },
    'eks.cluster-hour.extended': { serviceCode: 'AmazonEKS', filters: { usagetype: `${prefix}AmazonEKS-Hours:extendedSupport` }, unit: 'Hrs' },
    'vpc.public-ipv4-hour': { serviceCode: 'AmazonVPC', filters: { usagetype: `${prefix}PublicIPv4:InUseAddress` }, unit: 'Hrs' },
    'vpc.nat-gateway-hour': { serviceCode: 'AmazonEC2', filters: { usagetype: `${prefix}NatGateway-Hours` }, unit: 'Hrs' },
    'vpc.nat-gateway-gb': { serviceCode: 'AmazonEC2', filters: { usagetype: `${prefix}NatGateway-Bytes` }, unit: 'GB' },
    'vpc.interface-endpoint-hour': { serviceCode: 'AmazonVPC', filters: { usagetype: `${prefix}VpcEndpoint-Hours` }, unit: 'Hrs' },
    'vpc.interface-endpoint-gb': { serviceCode: 'AmazonVPC', filters: { usagetype: `${prefix}VpcEndpoint-Bytes` }, unit: 'GB', tiered: true },
    'elb.alb-hour': { serviceCode: 'AWSELB', filters: { usagetype: `${prefix}LoadBalancerUsage`, productFamily: 'Load Balancer-Application' }, unit: 'Hrs' },
    'elb.alb-lcu-hour': { serviceCode: 'AWSELB', filters: { usagetype: `${prefix}LCUUsage`, productFamily: 'Load Balancer-Application' }, unit: 'LCU-Hrs' },
    'transfer.internet-out.gb': { serviceCode: 'AWSDataTransfer', filters: { fromRegionCode: region, transferType: 'AWS Outbound' }, unit: 'GB', tiered: true },
    'transfer.inter-region.gb': { serviceCode: 'AWSDataTransfer', filters: { fromRegionCode: region, toRegionCode: region === 'ap-south-1' ? 'ap-south-2' : 'ap-south-1', transferType: 'InterRegion Outbound' }, unit: 'GB' },
    'transfer.cross-zone.gb': { serviceCode: 'AWSDataTransfer', filters: { fromRegionCode: region, toRegionCode: region, transferType: 'IntraRegion' }, unit: 'GB' },
    'rds.gp3.gb-month': { serviceCode: 'AmazonRDS', filters: { ...inRegion, productFamily: 'Database Storage', volumeType: 'General Purpose-GP3', databaseEngine: 'PostgreSQL', deploymentOption: 'Single-AZ' }, unit: 'GB-Mo' },
    'rds.backup.gb-month': { serviceCode: 'AmazonRDS', filters: { usagetype: `${prefix}RDS:ChargedBackupUsage` }, unit: 'GB-Mo' },
    'opensearch.gp3.gb-month': { serviceCode: 'AmazonES', filters: { ...inRegion, productFamily: 'Amazon OpenSearch Service Volume', storageMedia: 'GP3' }, unit: 'GB-Mo' },
    's3.standard.gb-month': { serviceCode: 'AmazonS3', filters: { usagetype: `${prefix}TimedStorage-ByteHrs` }, unit: 'GB-Mo', tiered: true },
    's3.requests.tier1-1k': { serviceCode: 'AmazonS3', filters: { usagetype: `${prefix}Requests-Tier1` }, unit: 'Requests', unitsPerRowUnit: 1000 },
    's3.requests.tier2-1k': { serviceCode: 'AmazonS3', filters: { usagetype: `${prefix}Requests-Tier2` }, unit: 'Requests', unitsPerRowUnit: 1000 },
    's3.rtc.gb': { serviceCode: 'AmazonS3', filters: { usagetype: `${prefix}S3RTC-In-Bytes` }, unit: 'GB' },
    'ecr.storage-gb-month': { serviceCode: 'AmazonECR', filters: { usagetype: `${prefix}TimedStorage-ByteHrs` }, unit: 'GB-Mo' },
    'cloudwatch.logs.ingest-gb': { serviceCode: 'AmazonCloudWatch', filters: { usagetype: `${prefix}DataProcessing-Bytes` }, unit: 'GB' },
    'cloudwatch.logs.storage-gb-month': { serviceCode: 'AmazonCloudWatch', filters: { usagetype: `${prefix}TimedStorage-ByteHrs` }, unit: 'GB-Mo' },
    'cloudwatch.alarm-metric-month': { serviceCode: 'AmazonCloudWatch', filters: { usagetype: `${prefix}CW:AlarmMonitorUsage` }, unit: 'Alarms' },
    'cloudwatch.alarm-metric-month.high-resolution': { serviceCode: 'AmazonCloudWatch', filters: { usagetype: `${prefix}CW:HighResAlarmMonitorUsage` }, unit: 'Alarms' },
    'lambda.requests-1m': { serviceCode: 'AWSLambda', filters: { usagetype: `${prefix}Request` }, unit: 'Requests', unitsPerRowUnit: 1e6 },
    'lambda.gb-second.x86_64': { serviceCode: 'AWSLambda', filters: { usagetype: `${prefix}Lambda-GB-Second` }, unit: 'Lambda-GB-Second', tiered: true },
    'lambda.gb-second.arm64': { serviceCode: 'AWSLambda', filters: { usagetype: `${prefix}Lambda-GB-Second-ARM` }, unit: 'Lambda-GB-Second', tiered: true },
    'sns.requests-1m': { serviceCode: 'AmazonSNS', filters: { usagetype: `${prefix}Requests-Tier1` }, unit: 'Requests', unitsPerRowUnit: 1e6 },
    'sqs.requests-1m': { serviceCode: 'AWSQueueService', filters: { usagetype: `${prefix}Requests-RBP`, queueType: 'Standard' }, unit: 'Requests', unitsPerRowUnit: 1e6, tiered: true },
    'sqs.requests-1m.fifo': { serviceCode: 'AWSQueueService', filters: { usagetype: `${prefix}Requests-FIFO-RBP`, queueType: 'FIFO (first-in, first-out)' }, unit: 'Requests', unitsPerRowUnit: 1e6, tiered: true },
    'secretsmanager.secret-month': { serviceCode: 'AWSSecretsManager', filters: { usagetype: `${prefix}AWSSecretsManager-Secrets` }, unit: 'Secrets' },
    'secretsmanager.requests-10k': { serviceCode: 'AWSSecretsManager', filters: { usagetype: `${prefix}AWSSecretsManager-APIRequest` }, unit: 'API Requests', unitsPerRowUnit: 1e4 },
    'kms.key-month': { serviceCode: 'awskms', filters: { usagetype: `${region}-KMS-Keys` }, unit: 'Keys' },
    'kms.requests-10k': { serviceCode: 'awskms', filters: { usagetype: `${region}-KMS-Requests` }, unit: 'Requests', unitsPerRowUnit: 1e4, tiered: true },
    'waf.web-acl-month': { serviceCode: 'awswaf', filters: { usagetype: `${prefix}WebACL` }, unit: 'WebACL' },
    'waf.rule-month': { serviceCode: 'awswaf', filters: { usagetype: `${prefix}Rule` }, unit: 'Rule' },
    'waf.requests-1m': { serviceCode: 'awswaf', filters: { usagetype: `${prefix}Request` }, unit: 'Request', unitsPerRowUnit: 1e6 },
    // Route 53 is global: its usage types carry no Region prefix.
    'route53.hosted-zone-month': { serviceCode: 'AmazonRoute53', filters: { usagetype: 'HostedZone' }, unit: 'HostedZone', tiered: true },
    'route53.queries-1m': { serviceCode: 'AmazonRoute53', filters: { usagetype: 'DNS-Queries' }, unit: 'Queries', unitsPerRowUnit: 1e6, tiered: true },
    'route53.health-check-month.aws': { serviceCode: 'AmazonRoute53', filters: { usagetype: 'Health-Check-AWS' }, unit: 'Health-Check' },
    'route53.health-check-month.non-aws': { serviceCode: 'AmazonRoute53', filters: { usagetype: 'Health-Check-Non-AWS' }, unit: 'Health-Check' },
    'route53.health-check-feature-month.aws': { serviceCode: 'AmazonRoute53', filters: { usagetype: 'Health-Check-Option-AWS' }, unit: 'Health-Check-Option' },
    'route53.health-check-feature-month.non-aws': { serviceCode: 'AmazonRoute53', filters: { usagetype: 'Health-Check-Option-Non-AWS' }, unit: 'Health-Check-Option' },
  };
  return fixed[key];
}
