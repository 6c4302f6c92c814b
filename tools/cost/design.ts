/**
 * The design's monthly estimates ("Cost Estimation" in the platform design),
 * line by line, in the estimator's categories, so an estimate can say where
 * and why it differs. Figures are the design's, in USD a month.
 */
import type { CostCategory } from './line-items.ts';

export interface DesignLine {
  readonly label: string;
  readonly usd: number;
  readonly category: CostCategory;
  /** How many of the thing the design prices (nodes, replicas), where it says. */
  readonly count?: number;
  /** What the design calls it: an instance type or class, or a volume. */
  readonly what?: string;
}

export interface DesignEstimate {
  readonly totalUsd: number;
  readonly lines: readonly DesignLine[];
}

export const DESIGN_ESTIMATES: Readonly<Record<string, DesignEstimate>> = {
  dev: {
    totalUsd: 190,
    lines: [
      { label: 'EKS control plane', usd: 73, category: 'controlPlane' },
      { label: 'EC2 nodes, 2 × t3.medium', usd: 60, category: 'nodes', count: 2, what: 't3.medium' },
      { label: 'RDS db.t3.small', usd: 30, category: 'database', count: 1, what: 'db.t3.small' },
      { label: 'ElastiCache cache.t3.micro', usd: 15, category: 'cache', count: 1, what: 'cache.t3.micro' },
      { label: 'S3, 100 GB', usd: 2, category: 'objectStorage', what: '100 GB' },
      { label: 'Data transfer', usd: 10, category: 'dataTransfer' },
    ],
  },
  staging: {
    totalUsd: 430,
    lines: [
      { label: 'EKS control plane', usd: 73, category: 'controlPlane' },
      { label: 'EC2 nodes, 3 × t3.large', usd: 180, category: 'nodes', count: 3, what: 't3.large' },
      { label: 'RDS db.t3.medium', usd: 65, category: 'database', count: 1, what: 'db.t3.medium' },
      { label: 'ElastiCache cache.t3.small', usd: 30, category: 'cache', count: 1, what: 'cache.t3.small' },
      { label: 'Search, t3.small', usd: 40, category: 'search', count: 1, what: 't3.small' },
      { label: 'S3, 500 GB', usd: 12, category: 'objectStorage', what: '500 GB' },
      { label: 'Data transfer', usd: 30, category: 'dataTransfer' },
    ],
  },
  production: {
    totalUsd: 2768,
    lines: [
      { label: 'EKS control plane', usd: 73, category: 'controlPlane' },
      { label: 'EC2 nodes, 5 × t3.xlarge', usd: 750, category: 'nodes', count: 5, what: 't3.xlarge' },
      { label: 'RDS db.r5.xlarge, Multi-AZ', usd: 580, category: 'database', count: 1, what: 'db.r5.xlarge' },
      { label: 'RDS read replica', usd: 290, category: 'database', count: 1, what: 'replica' },
      { label: 'ElastiCache cache.r5.large', usd: 180, category: 'cache', count: 1, what: 'cache.r5.large' },
      { label: 'Search, 3 × r5.large', usd: 450, category: 'search', count: 3, what: 'r5.large' },
      { label: 'S3, 5 TB', usd: 115, category: 'objectStorage', what: '5 TB' },
      { label: 'CloudFront CDN', usd: 50, category: 'edge', what: 'CloudFront' },
      { label: 'Data transfer', usd: 150, category: 'dataTransfer' },
      { label: 'Backup storage', usd: 100, category: 'backups' },
      { label: 'ALB', usd: 25, category: 'loadBalancer', count: 1 },
      { label: 'Route 53', usd: 5, category: 'edge', what: 'Route 53' },
    ],
  },
  'production-1000-tenants': {
    totalUsd: 12873,
    lines: [
      { label: 'EKS control plane', usd: 73, category: 'controlPlane' },
      { label: 'EC2 nodes, 15 × t3.xlarge', usd: 2250, category: 'nodes', count: 15, what: 't3.xlarge' },
      { label: 'RDS db.r5.4xlarge, Multi-AZ', usd: 2320, category: 'database', count: 1, what: 'db.r5.4xlarge' },
      { label: 'RDS read replicas, 2', usd: 1160, category: 'database', count: 2, what: 'replica' },
      { label: 'ElastiCache cache.r5.2xlarge', usd: 720, category: 'cache', count: 1, what: 'cache.r5.2xlarge' },
      { label: 'Search, 6 × r5.2xlarge', usd: 3600, category: 'search', count: 6, what: 'r5.2xlarge' },
      { label: 'S3, 50 TB', usd: 1150, category: 'objectStorage', what: '50 TB' },
      { label: 'CloudFront CDN', usd: 300, category: 'edge', what: 'CloudFront' },
      { label: 'Data transfer', usd: 800, category: 'dataTransfer' },
      { label: 'Backup storage', usd: 500, category: 'backups' },
    ],
  },
};
