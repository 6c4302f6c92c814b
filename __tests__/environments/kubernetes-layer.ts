import { expect } from 'vitest';
import type { EnvironmentConfig } from '../../environments/types.ts';
import { onlyResource, resourcesOf, synthKubernetesEnvironment } from '../helpers/synth.ts';

/** What an environment's Kubernetes layer is meant to serve and demand. */
export interface ExpectedKubernetesLayer {
  readonly domainName: string;
  /** The environment owns its zone (true) or uses an existing one (false). */
  readonly ownsZone: boolean;
  readonly requiresImageTag: boolean;
}

/** Asserts the synthesized k8s stack serves the domain, zone, image-tag rule and quota it should. */
export function expectKubernetesLayer(config: EnvironmentConfig, expected: ExpectedKubernetesLayer): void {
  const { json } = synthKubernetesEnvironment(config);
  expect(onlyResource(json, 'aws_acm_certificate').domain_name).toBe(expected.domainName);
  expect(resourcesOf(json, 'aws_route53_zone')).toHaveLength(expected.ownsZone ? 1 : 0);
  expect(Object.keys(json.variable!.image_tag).includes('default')).toBe(!expected.requiresImageTag);
  expect(onlyResource(json, 'kubernetes_resource_quota_v1').spec.hard.pods).toBe(String(config.kubernetes.appQuota.pods));
}
