import { expect } from 'vitest';
import type { EnvironmentConfig } from '../../environments/types.ts';
import { onlyResource, resourcesOf, synthKubernetesEnvironment } from '../helpers/synth.ts';

/** What an environment's Kubernetes layer is meant to serve and demand. */
export interface ExpectedKubernetesLayer {
  readonly domainName: string;
  /** The zone its records go in, which its account's bootstrap creates. */
  readonly zoneName: string;
  readonly requiresImageTag: boolean;
}

/** Asserts the synthesized k8s stack serves the domain, zone, image-tag rule and quota it should. */
export function expectKubernetesLayer(config: EnvironmentConfig, expected: ExpectedKubernetesLayer): void {
  const { json } = synthKubernetesEnvironment(config);
  expect(onlyResource(json, 'aws_acm_certificate').domain_name).toBe(expected.domainName);
  // The zone is the bootstrap's: the stack looks it up and creates none.
  expect(resourcesOf(json, 'aws_route53_zone')).toHaveLength(0);
  expect(Object.values(json.data?.aws_route53_zone ?? {}).map((z) => z.name)).toEqual([expected.zoneName]);
  expect(Object.keys(json.variable!.image_tag).includes('default')).toBe(!expected.requiresImageTag);
  expect(onlyResource(json, 'kubernetes_resource_quota_v1').spec.hard.pods).toBe(String(config.kubernetes.appQuota.pods));
}
