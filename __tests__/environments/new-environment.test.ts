import { describe, expect, it } from 'vitest';
import { clusterAdminRoleArns, ciApplyRoleName, NON_PRODUCTION_ACCOUNT, roleArn } from '../../environments/account.ts';
import { bootstrapConfig, validateBootstrap } from '../../environments/bootstrap.ts';
import { delegatedEdge, threeZoneNetwork } from '../../environments/common.ts';
import { defineEnvironment } from '../../environments/define.ts';
import { ENVIRONMENTS, validateAll } from '../../environments/index.ts';
import { staging } from '../../environments/staging.ts';
import { affectedStacks } from '../../tools/ci/affected-stacks.ts';
import { environmentStackNames } from '../../environments/stack-names.ts';
import { schemaProblems } from '../chart/kubernetes-schema.ts';
import { renderHexabidRelease } from '../helpers/hexabid-release.ts';
import { onlyResource, synthEnvironment, synthKubernetesEnvironment } from '../helpers/synth.ts';

/**
 * docs/ENVIRONMENTS.md, "Add an environment", followed with a scratch
 * environment: a config file based on an existing one, with its own name,
 * /16 and domain, sharing staging's values file. Nothing else in the
 * repository changes, and everything that reads the list of environments
 * takes it in.
 */
const qa = defineEnvironment({
  ...staging,
  name: 'qa',
  network: { ...staging.network, ...threeZoneNetwork(9) },
  cluster: { ...staging.cluster, adminRoleArns: clusterAdminRoleArns('qa', NON_PRODUCTION_ACCOUNT) },
  edge: delegatedEdge('qa'),
  kubernetes: { ...staging.kubernetes, appNamespace: 'hexabid-qa' },
});
const withQa = [...ENVIRONMENTS, qa];

describe('adding an environment: a config file, a usage file and a snapshot refresh', () => {
  it('passes validation beside every other environment', () => {
    expect(() => validateAll(withQa)).not.toThrow();
  });

  it("gets its CI apply role, its state keys, its zone and its share of the quotas from its account's bootstrap", () => {
    const bootstrap = bootstrapConfig(withQa, NON_PRODUCTION_ACCOUNT);
    validateBootstrap(bootstrap);
    expect(bootstrap.environments.map((e) => e.name)).toContain('qa');
    expect(bootstrap.stateKeyPrefixesByRole[roleArn(ciApplyRoleName('qa'), NON_PRODUCTION_ACCOUNT)]).toEqual(environmentStackNames(qa).map((s) => `${s}/`));
    expect(bootstrap.environments.find((e) => e.name === 'qa')!.appNamespace).toBe('hexabid-qa');
    expect(bootstrap.dns.environmentZones).toContain('qa.hexabid.in');
    expect(bootstrap.quotas.map((q) => q.description).join('\n')).toContain('qa');
  });

  it('is planned by CI when its config file changes', () => {
    expect(affectedStacks(['environments/qa.ts'], withQa).include.map((s) => s.stack)).toEqual(expect.arrayContaining(environmentStackNames(qa)));
  });

  it('synthesizes both stacks, and its release renders for its own domain and secrets from the shared values file', async () => {
    expect(onlyResource(synthEnvironment(qa).json, 'aws_vpc').cidr_block).toBe('10.9.0.0/16');
    expect(synthKubernetesEnvironment(qa).json.resource.helm_release).toBeDefined();
    const { objects } = await renderHexabidRelease(qa);
    expect(objects.flatMap((o) => schemaProblems(o))).toEqual([]);
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.spec.rules.map((r: { host: string }) => r.host)).toEqual(['qa.hexabid.in', '*.qa.hexabid.in']);
    const remoteKeys = objects.filter((o) => o.kind === 'ExternalSecret').flatMap((o) => (o.spec.dataFrom ?? o.spec.data ?? []).map((d: any) => d.extract?.key ?? d.remoteRef?.key));
    expect(remoteKeys.length).toBeGreaterThan(0);
    for (const key of remoteKeys) expect(key).toMatch(/^hexabid\/qa\//);
  });
});
