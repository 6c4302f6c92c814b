/**
 * On-demand list prices for what the stacks build, in ap-south-1 (Mumbai),
 * ap-south-2 (Hyderabad, the DR Region) and, for rates AWS charges the same
 * everywhere, `global`. Every row names its source.
 *
 * There was no network to AWS where this table was put together, so no row
 * was read from an AWS Price List offer file. A row that was found in a
 * published source names it; a row that was not starts `unverified:`, says
 * where its figure comes from, and names the offer file to check it against:
 * `npm run cost` lists every unverified row an estimate uses. To verify one,
 * read its usage type in the offer file, e.g.
 *
 *   curl -s https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/ap-south-1/index.json \
 *     | jq '.products[] | select(.attributes.instanceType == "db.r5.xlarge" and .attributes.databaseEngine == "PostgreSQL" and .attributes.deploymentOption == "Single-AZ")'
 *
 * then put the price from the matching OnDemand term here and replace the
 * `unverified:` source with the offer file's URL and publication date.
 */
import type { PriceRow, PriceTable } from '../lib/cost/price-table.ts';

/** The Price List offer file of a service in a Region: where each regional row is to be checked. */
const offerFile = (service: string, region: string) => `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${service}/current/${region}/index.json`;

/** Found quoted for ap-south-1 in third-party cost write-ups and bills (not citable here), not read from the offer file. */
const quoted = (usageType: string, service: string) =>
  `unverified: the ap-south-1 rate third-party cost write-ups quote for usage type ${usageType}, not read from the offer file; check ${offerFile(service, 'ap-south-1')}`;

/** An estimate, with how it was made. */
const estimated = (how: string, service: string, region = 'ap-south-1') => `unverified: estimate (${how}); check ${offerFile(service, region)}`;

const SECRETS_MANAGER_PAGE =
  'https://aws.amazon.com/secrets-manager/pricing/, as transcribed 2026-09-20 in github.com/api-evangelist/amazon-secrets-manager plans/amazon-secrets-manager-plans-pricing.yml (same rate in every Region; a replica is billed as a secret of its own)';

/** Rates that do not depend on the Region. */
const GLOBAL: PriceRow[] = [
  { key: 'eks.cluster-hour.standard', region: 'global', usd: 0.1, unit: 'cluster-hour', source: 'third-party: https://kindatechnical.com/aws-eks/lesson-31-understanding-eks-pricing.html and https://webstryker.com/2024/05/amazon-eks-pricing-models.html ($0.10 per cluster-hour, every Region)' },
  { key: 'eks.cluster-hour.extended', region: 'global', usd: 0.6, unit: 'cluster-hour', source: "AWS's notice as quoted in https://github.com/WGBH-MLA/chowda/issues/217 ($0.60 per cluster-hour in extended support)" },
  { key: 'vpc.public-ipv4-hour', region: 'global', usd: 0.005, unit: 'address-hour', source: 'https://www.techpartner.news/news/aws-to-charge-for-ipv4-addresses-598672 and https://community.aws/content/2c6cKl0W4KQZIO6dWnnDHs1tHSp/aws-to-charge-public-ipv4-addresses ($0.005 per public IPv4 address-hour since 2024-02-01, all Regions)' },
  { key: 'secretsmanager.secret-month', region: 'global', usd: 0.4, unit: 'secret-month', source: SECRETS_MANAGER_PAGE },
  { key: 'secretsmanager.requests-10k', region: 'global', usd: 0.05, unit: '10k API calls', source: SECRETS_MANAGER_PAGE },
  { key: 'kms.key-month', region: 'global', usd: 1, unit: 'key-month', source: 'third-party summary: https://gist.github.com/dasgoll/b88d5be05dcc0deb052ad40446c2fb40 ($1 per key-month)' },
  { key: 'kms.requests-10k', region: 'global', usd: 0.03, unit: '10k requests', source: 'third-party summary: https://gist.github.com/dasgoll/b88d5be05dcc0deb052ad40446c2fb40 ($0.03 per 10,000 requests beyond the free 20,000)' },
  { key: 'waf.web-acl-month', region: 'global', usd: 5, unit: 'web ACL-month', source: 'unverified: from memory of https://aws.amazon.com/waf/pricing/ (not reachable here); https://aws.github.io/aws-security-services-best-practices/guides/waf/waf-cost/docs/ confirms the cost structure but not the figure' },
  { key: 'waf.rule-month', region: 'global', usd: 1, unit: 'rule-month', source: 'unverified: from memory of https://aws.amazon.com/waf/pricing/; a managed rule group counts as one rule (https://aws.github.io/aws-security-services-best-practices/guides/waf/waf-cost/docs/)' },
  { key: 'waf.requests-1m', region: 'global', usd: 0.6, unit: 'million requests', source: 'unverified: from memory of https://aws.amazon.com/waf/pricing/ (not reachable here)' },
  { key: 'route53.hosted-zone-month', region: 'global', usd: 0.5, unit: 'zone-month', source: 'unverified: from memory of https://aws.amazon.com/route53/pricing/ (first 25 zones; not reachable here)' },
  { key: 'route53.queries-1m', region: 'global', usd: 0.4, unit: 'million queries', source: 'unverified: from memory of https://aws.amazon.com/route53/pricing/ (standard queries, first billion)' },
  { key: 'route53.health-check-month.aws', region: 'global', usd: 0.5, unit: 'health check-month', source: 'unverified: from memory of https://aws.amazon.com/route53/pricing/ (basic check, AWS endpoint)' },
  { key: 'route53.health-check-month.non-aws', region: 'global', usd: 0.75, unit: 'health check-month', source: 'unverified: from memory of https://aws.amazon.com/route53/pricing/ (basic check, endpoint outside AWS)' },
  { key: 'route53.health-check-feature-month.aws', region: 'global', usd: 1, unit: 'feature-month', source: 'unverified: from memory of https://aws.amazon.com/route53/pricing/ (each optional feature, AWS endpoint)' },
  { key: 'route53.health-check-feature-month.non-aws', region: 'global', usd: 2, unit: 'feature-month', source: 'unverified: from memory of https://aws.amazon.com/route53/pricing/ (each optional feature, endpoint outside AWS)' },
  { key: 'ecr.storage-gb-month', region: 'global', usd: 0.1, unit: 'GB-month', source: 'unverified: from memory of https://aws.amazon.com/ecr/pricing/ (not reachable here)' },
];

/** ap-south-1 (Mumbai). */
const MUMBAI: PriceRow[] = [
  // EC2 Linux, shared tenancy. t3 sizes are priced in proportion to their size.
  { key: 'ec2.instance-hour.t3.medium', region: 'ap-south-1', usd: 0.0448, unit: 'instance-hour', source: quoted('APS3-BoxUsage:t3.medium', 'AmazonEC2') },
  { key: 'ec2.instance-hour.t3.large', region: 'ap-south-1', usd: 0.0896, unit: 'instance-hour', source: quoted('APS3-BoxUsage:t3.large (twice t3.medium)', 'AmazonEC2') },
  { key: 'ec2.instance-hour.t3.xlarge', region: 'ap-south-1', usd: 0.1792, unit: 'instance-hour', source: estimated('twice t3.large, as t3 sizes scale', 'AmazonEC2') },
  { key: 'ec2.instance-hour.t3.2xlarge', region: 'ap-south-1', usd: 0.3584, unit: 'instance-hour', source: estimated('twice t3.xlarge, as t3 sizes scale', 'AmazonEC2') },
  { key: 'ec2.instance-hour.m6i.large', region: 'ap-south-1', usd: 0.101, unit: 'instance-hour', source: estimated('from memory of the EC2 on-demand page', 'AmazonEC2') },
  { key: 'ec2.instance-hour.m6i.xlarge', region: 'ap-south-1', usd: 0.202, unit: 'instance-hour', source: estimated('twice m6i.large', 'AmazonEC2') },
  { key: 'ebs.gp3.gb-month', region: 'ap-south-1', usd: 0.0912, unit: 'GB-month', source: quoted('APS3-EBS:VolumeUsage.gp3', 'AmazonEC2') },
  // Networking.
  { key: 'vpc.nat-gateway-hour', region: 'ap-south-1', usd: 0.056, unit: 'gateway-hour', source: quoted('APS3-NatGateway-Hours (from an ap-south-1 bill)', 'AmazonVPC') },
  { key: 'vpc.nat-gateway-gb', region: 'ap-south-1', usd: 0.056, unit: 'GB', source: estimated('equal to the hourly rate, as NAT gateways are priced in every Region we know of', 'AmazonVPC') },
  { key: 'vpc.interface-endpoint-hour', region: 'ap-south-1', usd: 0.011, unit: 'endpoint-zone-hour', source: estimated('from memory of the PrivateLink pricing page; $0.01 in us-east-1', 'AmazonVPC') },
  { key: 'vpc.interface-endpoint-gb', region: 'ap-south-1', usd: 0.01, unit: 'GB', source: estimated('from memory of the PrivateLink pricing page, first PB', 'AmazonVPC') },
  { key: 'elb.alb-hour', region: 'ap-south-1', usd: 0.0239, unit: 'load balancer-hour', source: quoted('APS3-LoadBalancerUsage (from an ap-south-1 bill)', 'AWSELB') },
  { key: 'elb.alb-lcu-hour', region: 'ap-south-1', usd: 0.008, unit: 'LCU-hour', source: estimated("us-east-1's $0.008 per LCU-hour on https://aws.amazon.com/elasticloadbalancing/pricing/, as transcribed 2026-09-20 in github.com/api-evangelist/amazon-elastic-load-balancing; taken as equal in ap-south-1", 'AWSELB') },
  { key: 'transfer.internet-out.gb', region: 'ap-south-1', usd: 0.1093, tiers: [{ upTo: 10_240, usd: 0.1093 }, { upTo: 51_200, usd: 0.085 }, { upTo: 153_600, usd: 0.082 }, { usd: 0.08 }], unit: 'GB', source: quoted('APS3-DataTransfer-Out-Bytes (first 10 TB; later bands from memory)', 'AWSDataTransfer') },
  { key: 'transfer.inter-region.gb', region: 'ap-south-1', usd: 0.086, unit: 'GB', source: estimated('from memory of the EC2 data transfer page, out of ap-south-1 to another Region', 'AWSDataTransfer') },
  // RDS for PostgreSQL, Single-AZ (Multi-AZ is twice, instance and storage); estimates from us-east-1 list prices.
  { key: 'rds.postgres.instance-hour.db.t3.small', region: 'ap-south-1', usd: 0.047, unit: 'instance-hour', source: estimated("us-east-1's $0.036 × 1.3, the ratio an ap-south-1 bill shows for db.t4g.micro Multi-AZ ($0.042)", 'AmazonRDS') },
  { key: 'rds.postgres.instance-hour.db.t3.medium', region: 'ap-south-1', usd: 0.094, unit: 'instance-hour', source: estimated("us-east-1's $0.072 × 1.3, as for db.t3.small", 'AmazonRDS') },
  { key: 'rds.postgres.instance-hour.db.r5.large', region: 'ap-south-1', usd: 0.3, unit: 'instance-hour', source: estimated("us-east-1's $0.25 × 1.2, the Mumbai premium remembered for memory-optimized classes", 'AmazonRDS') },
  { key: 'rds.postgres.instance-hour.db.r5.xlarge', region: 'ap-south-1', usd: 0.6, unit: 'instance-hour', source: estimated("us-east-1's $0.50 × 1.2, as for db.r5.large", 'AmazonRDS') },
  { key: 'rds.postgres.instance-hour.db.r5.2xlarge', region: 'ap-south-1', usd: 1.2, unit: 'instance-hour', source: estimated('twice db.r5.xlarge', 'AmazonRDS') },
  { key: 'rds.postgres.instance-hour.db.r5.4xlarge', region: 'ap-south-1', usd: 2.4, unit: 'instance-hour', source: estimated('four times db.r5.xlarge', 'AmazonRDS') },
  { key: 'rds.postgres.instance-hour.db.r6g.xlarge', region: 'ap-south-1', usd: 0.54, unit: 'instance-hour', source: estimated("us-east-1's $0.45 × 1.2, as for db.r5", 'AmazonRDS') },
  { key: 'rds.gp3.gb-month', region: 'ap-south-1', usd: 0.131, unit: 'GB-month', source: estimated('the ap-south-1 gp2 rate remembered from the RDS pricing page; gp3 storage is priced as gp2 at this size', 'AmazonRDS') },
  { key: 'rds.backup.gb-month', region: 'ap-south-1', usd: 0.095, unit: 'GB-month', source: estimated("us-east-1's $0.095 per GB-month of backup beyond the free allowance", 'AmazonRDS') },
  // ElastiCache: Valkey nodes are 20% below Redis OSS nodes; Redis OSS estimated at 1.1 × us-east-1.
  { key: 'elasticache.valkey.node-hour.cache.t3.micro', region: 'ap-south-1', usd: 0.015, unit: 'node-hour', source: estimated("us-east-1 Redis OSS $0.017 × 1.1 × 0.8 (Valkey's discount)", 'AmazonElastiCache') },
  { key: 'elasticache.valkey.node-hour.cache.t3.small', region: 'ap-south-1', usd: 0.0299, unit: 'node-hour', source: estimated("us-east-1 Redis OSS $0.034 × 1.1 × 0.8 (Valkey's discount)", 'AmazonElastiCache') },
  { key: 'elasticache.valkey.node-hour.cache.r5.large', region: 'ap-south-1', usd: 0.19, unit: 'node-hour', source: estimated("us-east-1 Redis OSS $0.216 × 1.1 × 0.8 (Valkey's discount)", 'AmazonElastiCache') },
  { key: 'elasticache.valkey.node-hour.cache.r5.2xlarge', region: 'ap-south-1', usd: 0.759, unit: 'node-hour', source: estimated("us-east-1 Redis OSS $0.862 × 1.1 × 0.8 (Valkey's discount)", 'AmazonElastiCache') },
  { key: 'elasticache.valkey.node-hour.cache.r6g.large', region: 'ap-south-1', usd: 0.181, unit: 'node-hour', source: estimated("us-east-1 Redis OSS $0.206 × 1.1 × 0.8 (Valkey's discount)", 'AmazonElastiCache') },
  // OpenSearch Service: estimated at 1.1 × us-east-1; gp3 storage at EBS's ap-south-1/us-east-1 ratio.
  { key: 'opensearch.instance-hour.t3.small.search', region: 'ap-south-1', usd: 0.04, unit: 'instance-hour', source: estimated("us-east-1's $0.036 × 1.1", 'AmazonES') },
  { key: 'opensearch.instance-hour.r5.large.search', region: 'ap-south-1', usd: 0.205, unit: 'instance-hour', source: estimated("us-east-1's $0.186 × 1.1", 'AmazonES') },
  { key: 'opensearch.instance-hour.r5.2xlarge.search', region: 'ap-south-1', usd: 0.818, unit: 'instance-hour', source: estimated("us-east-1's $0.744 × 1.1", 'AmazonES') },
  { key: 'opensearch.instance-hour.r6g.large.search', region: 'ap-south-1', usd: 0.184, unit: 'instance-hour', source: estimated("us-east-1's $0.167 × 1.1", 'AmazonES') },
  { key: 'opensearch.gp3.gb-month', region: 'ap-south-1', usd: 0.139, unit: 'GB-month', source: estimated("us-east-1's $0.122 × 1.14, EBS gp3's ap-south-1/us-east-1 ratio", 'AmazonES') },
  // S3 Standard, tiered by the month's stored volume.
  { key: 's3.standard.gb-month', region: 'ap-south-1', usd: 0.025, tiers: [{ upTo: 51_200, usd: 0.025 }, { upTo: 512_000, usd: 0.024 }, { usd: 0.023 }], unit: 'GB-month', source: quoted('APS3-TimedStorage-ByteHrs (first 50 TB; later bands from memory)', 'AmazonS3') },
  { key: 's3.requests.tier1-1k', region: 'ap-south-1', usd: 0.005, unit: '1k requests', source: quoted('APS3-Requests-Tier1', 'AmazonS3') },
  { key: 's3.requests.tier2-1k', region: 'ap-south-1', usd: 0.0004, unit: '1k requests', source: quoted('APS3-Requests-Tier2', 'AmazonS3') },
  // CloudWatch.
  { key: 'cloudwatch.logs.ingest-gb', region: 'ap-south-1', usd: 0.5, unit: 'GB', source: estimated('from memory of the CloudWatch pricing page, standard log class; vended logs (flow logs, WAF) start at the same rate', 'AmazonCloudWatch') },
  { key: 'cloudwatch.logs.storage-gb-month', region: 'ap-south-1', usd: 0.03, unit: 'GB-month', source: estimated('from memory of the CloudWatch pricing page, archived (compressed)', 'AmazonCloudWatch') },
  { key: 'cloudwatch.alarm-metric-month', region: 'ap-south-1', usd: 0.1, unit: 'alarm metric-month', source: estimated('from memory of the CloudWatch pricing page, standard resolution', 'AmazonCloudWatch') },
  { key: 'cloudwatch.alarm-metric-month.high-resolution', region: 'ap-south-1', usd: 0.3, unit: 'alarm metric-month', source: estimated('from memory of the CloudWatch pricing page, high resolution', 'AmazonCloudWatch') },
  // Lambda, SNS, SQS.
  { key: 'lambda.requests-1m', region: 'ap-south-1', usd: 0.2, unit: 'million requests', source: quoted('APS3-Request ($2e-07 a request)', 'AWSLambda') },
  { key: 'lambda.gb-second.x86_64', region: 'ap-south-1', usd: 0.0000166667, unit: 'GB-second', source: quoted('APS3-Lambda-GB-Second', 'AWSLambda') },
  { key: 'lambda.gb-second.arm64', region: 'ap-south-1', usd: 0.0000133334, unit: 'GB-second', source: estimated("80% of the x86 rate, Arm's discount", 'AWSLambda') },
  { key: 'sns.requests-1m', region: 'ap-south-1', usd: 0.5, unit: 'million requests', source: estimated('from memory of the SNS pricing page, standard topics', 'AmazonSNS') },
  { key: 'sqs.requests-1m', region: 'ap-south-1', usd: 0.4, unit: 'million requests', source: estimated('from memory of the SQS pricing page, standard queues', 'AWSQueueService') },
  { key: 'sqs.requests-1m.fifo', region: 'ap-south-1', usd: 0.5, unit: 'million requests', source: estimated('from memory of the SQS pricing page, FIFO queues', 'AWSQueueService') },
];

/**
 * ap-south-2 (Hyderabad), for production-dr: no Hyderabad figure was found,
 * so each row is Mumbai's, marked as an assumption.
 */
const HYDERABAD: PriceRow[] = MUMBAI.map((row) => ({
  ...row,
  region: 'ap-south-2',
  // The ap-south-1 row's own source follows, pointed at the ap-south-2 offer file.
  source: `unverified: no ap-south-2 figure found, assumed equal to ap-south-1's; ap-south-1: ${row.source.replace(/^unverified: /, '').replace('/current/ap-south-1/', '/current/ap-south-2/')}`,
}));

/**
 * us-east-1, where Route53 publishes health-check metrics: the failover
 * health check's alarm and its relay topics live there.
 */
const VIRGINIA: PriceRow[] = [
  { key: 'sns.requests-1m', region: 'us-east-1', usd: 0.5, unit: 'million requests', source: estimated('from memory of the SNS pricing page, standard topics', 'AmazonSNS', 'us-east-1') },
  { key: 'cloudwatch.alarm-metric-month', region: 'us-east-1', usd: 0.1, unit: 'alarm metric-month', source: estimated('from memory of the CloudWatch pricing page, standard resolution', 'AmazonCloudWatch', 'us-east-1') },
];

export const PRICES: PriceTable = {
  asOf: '2026-11-30',
  currency: 'USD',
  basis: 'on-demand list prices, before Savings Plans, Reserved Instances, credits and the free tier',
  rows: [...GLOBAL, ...MUMBAI, ...HYDERABAD, ...VIRGINIA],
};
