import { LimitRangeV1 } from '@cdktf/provider-kubernetes/lib/limit-range-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ResourceQuotaV1 } from '@cdktf/provider-kubernetes/lib/resource-quota-v1';
import { Construct } from 'constructs';
import { requireProps, withDefaults } from '../internal/props.ts';

/** Pod Security Standards levels, strictest first. */
export const POD_SECURITY_LEVELS = ['restricted', 'baseline', 'privileged'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** A namespace's ceiling; Kubernetes quantities such as `8`, `500m`, `16Gi`. */
export interface NamespaceQuota {
  readonly requestsCpu: string;
  readonly requestsMemory: string;
  readonly limitsCpu: string;
  readonly limitsMemory: string;
  readonly pods: number;
}

/** Per-container defaults and bounds (a LimitRange). */
export interface ContainerLimits {
  readonly defaultRequestCpu: string;
  readonly defaultRequestMemory: string;
  readonly defaultLimitCpu: string;
  readonly defaultLimitMemory: string;
  readonly maxCpu: string;
  readonly maxMemory: string;
}

export interface KubernetesNamespaceProps {
  readonly name: string;
  /**
   * The Pod Security Standard enforced on every pod. Audit and warnings are
   * always at `restricted`, so a laxer namespace still reports what it admits.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace is less than `restricted`; required when it is.
   * @default - none
   */
  readonly podSecurityReason?: string;
  /**
   * A ResourceQuota on CPU, memory and pods.
   * @default - no quota
   */
  readonly quota?: NamespaceQuota;
  /**
   * Container defaults and bounds, so pods without resources still fit the quota.
   * @default CONTAINER_LIMIT_DEFAULTS when a quota is set, otherwise none
   */
  readonly containerLimits?: ContainerLimits;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Sized for HexaBid's smallest containers; anything bigger says so in its chart. */
export const CONTAINER_LIMIT_DEFAULTS: ContainerLimits = {
  defaultRequestCpu: '100m',
  defaultRequestMemory: '128Mi',
  defaultLimitCpu: '500m',
  defaultLimitMemory: '512Mi',
  maxCpu: '4',
  maxMemory: '8Gi',
};

/** Every default of {@link KubernetesNamespaceProps}, applied in one place. */
export const NAMESPACE_DEFAULTS = {
  podSecurity: 'restricted',
  labels: {},
} as const satisfies Partial<KubernetesNamespaceProps>;

/**
 * A namespace with Pod Security Admission labels and, optionally, a
 * ResourceQuota and LimitRange.
 */
export class KubernetesNamespace extends Construct {
  /** The namespace's name, as a reference: using it orders work after the namespace exists. */
  readonly namespaceName: string;
  readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: KubernetesNamespaceProps) {
    super(scope, id);
    const p = withDefaults(props, NAMESPACE_DEFAULTS);
    requireProps(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(p.name), 'KubernetesNamespace', id, `name "${p.name}" is not a valid namespace name (RFC 1123 label)`);
    requireProps(
      p.podSecurity === 'restricted' || (p.podSecurityReason ?? '').trim().length > 0,
      'KubernetesNamespace',
      id,
      `podSecurity "${p.podSecurity}" needs a podSecurityReason; only "restricted" needs none`,
    );

    const namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: p.name,
        labels: {
          ...p.labels,
          'pod-security.kubernetes.io/enforce': p.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        annotations: p.podSecurityReason ? { 'hexabid.in/pod-security-reason': p.podSecurityReason } : undefined,
      },
    });
    this.namespaceName = namespace.metadata.name;
    this.podSecurity = p.podSecurity;

    if (p.quota) {
      const q = p.quota;
      new ResourceQuotaV1(this, 'Quota', {
        metadata: { name: 'compute', namespace: this.namespaceName },
        spec: {
          hard: {
            'requests.cpu': q.requestsCpu,
            'requests.memory': q.requestsMemory,
            'limits.cpu': q.limitsCpu,
            'limits.memory': q.limitsMemory,
            pods: String(q.pods),
          },
        },
      });
    }
    const limits = p.containerLimits ?? (p.quota ? CONTAINER_LIMIT_DEFAULTS : undefined);
    if (limits) {
      new LimitRangeV1(this, 'Limits', {
        metadata: { name: 'container-defaults', namespace: this.namespaceName },
        spec: {
          limit: [
            {
              type: 'Container',
              defaultRequest: { cpu: limits.defaultRequestCpu, memory: limits.defaultRequestMemory },
              default: { cpu: limits.defaultLimitCpu, memory: limits.defaultLimitMemory },
              max: { cpu: limits.maxCpu, memory: limits.maxMemory },
            },
          ],
        },
      });
    }
  }
}
