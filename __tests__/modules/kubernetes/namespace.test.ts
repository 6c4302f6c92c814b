import { describe, expect, it } from 'vitest';
import { CONTAINER_LIMIT_DEFAULTS, KubernetesNamespace } from '../../../modules/kubernetes/namespace.ts';
import { onlyResource, resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const quota = { requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '4', limitsMemory: '8Gi', pods: 20 };

describe('KubernetesNamespace', () => {
  it('enforces restricted by default, and audits and warns at restricted', () => {
    const json = synthConstruct((scope) => new KubernetesNamespace(scope, 'Ns', { name: 'app' }));
    expect(onlyResource(json, 'kubernetes_namespace_v1').metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    expect(resourcesOf(json, 'kubernetes_resource_quota_v1')).toEqual([]);
    expect(resourcesOf(json, 'kubernetes_limit_range_v1')).toEqual([]);
  });

  it('records why a namespace is laxer than restricted, and refuses to be laxer without a reason', () => {
    const json = synthConstruct((scope) => new KubernetesNamespace(scope, 'Ns', { name: 'agents', podSecurity: 'privileged', podSecurityReason: 'node log agent reads /var/log' }));
    const ns = onlyResource(json, 'kubernetes_namespace_v1').metadata;
    expect(ns.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.annotations).toEqual({ 'hexabid.in/pod-security-reason': 'node log agent reads /var/log' });
    expect(() => synthConstruct((scope) => new KubernetesNamespace(scope, 'Ns', { name: 'x', podSecurity: 'baseline' }))).toThrow(
      'KubernetesNamespace Ns: podSecurity "baseline" needs a podSecurityReason',
    );
  });

  it('adds a quota, and default container limits so pods without resources still count against it', () => {
    const json = synthConstruct((scope) => new KubernetesNamespace(scope, 'Ns', { name: 'app', quota }));
    expect(onlyResource(json, 'kubernetes_resource_quota_v1').spec.hard).toEqual({
      'requests.cpu': '2', 'requests.memory': '4Gi', 'limits.cpu': '4', 'limits.memory': '8Gi', pods: '20',
    });
    expect(onlyResource(json, 'kubernetes_limit_range_v1').spec.limit).toEqual([
      {
        type: 'Container',
        default_request: { cpu: CONTAINER_LIMIT_DEFAULTS.defaultRequestCpu, memory: CONTAINER_LIMIT_DEFAULTS.defaultRequestMemory },
        default: { cpu: CONTAINER_LIMIT_DEFAULTS.defaultLimitCpu, memory: CONTAINER_LIMIT_DEFAULTS.defaultLimitMemory },
        max: { cpu: CONTAINER_LIMIT_DEFAULTS.maxCpu, memory: CONTAINER_LIMIT_DEFAULTS.maxMemory },
      },
    ]);
  });

  it('rejects a name Kubernetes would reject', () => {
    expect(() => synthConstruct((scope) => new KubernetesNamespace(scope, 'Ns', { name: 'Hexabid_Prod' }))).toThrow('name "Hexabid_Prod" is not a valid namespace name');
  });
});
