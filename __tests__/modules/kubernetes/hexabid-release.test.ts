import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR } from '../../../lib/chart-path.ts';
import { environmentValues, HEXABID_SECRETS, HexabidRelease, type HexabidReleaseProps } from '../../../modules/kubernetes/hexabid-release.ts';
import { onlyResource, synthConstruct } from '../../helpers/synth.ts';

const props: HexabidReleaseProps = {
  chartDirectory: CHART_DIR,
  namespace: 'hexabid-test',
  valuesFile: 'values-staging.yaml',
  environment: {
    domainName: 'test.example.com',
    vpcCidr: '10.9.0.0/16',
    secretNames: Object.fromEntries(HEXABID_SECRETS.map((id) => [id, `hexabid/test/${id}`])) as HexabidReleaseProps['environment']['secretNames'],
  },
  imageTag: '1.4.2',
  endpoints: {
    databaseHost: 'db.internal',
    redisHost: 'cache.internal',
    searchEndpoint: 'search.internal',
    documentsBucket: 'documents',
    certificateArn: 'arn:aws:acm:ap-south-1:123456789012:certificate/abc',
    wafAclArn: 'arn:aws:wafv2:ap-south-1:123456789012:regional/webacl/x/1',
    accessLogs: { bucket: 'logs', prefix: 'alb' },
    secretStoreName: 'aws-secrets-manager',
  },
};

describe('HexabidRelease', () => {
  it('installs the chart from its asset with the values file as it is on disk, then the environment\'s own values', () => {
    const release = onlyResource(synthConstruct((scope) => new HexabidRelease(scope, 'App', props)), 'helm_release');
    expect(release.chart).toMatch(/^assets\/App_Chart_[A-Z0-9]+\/[A-F0-9]+$/);
    expect(release.values).toHaveLength(2);
    expect(release.values[0]).toBe(readFileSync(join(CHART_DIR, 'values-staging.yaml'), 'utf8'));
    expect(JSON.parse(release.values[1])).toEqual(environmentValues(props.environment));
    expect(release).toMatchObject({ name: 'hexabid', namespace: 'hexabid-test', wait: true, atomic: true, timeout: 600, max_history: 10, lint: true });
  });

  it('sets the overrides as strings, with no reader host unless one is given', () => {
    const release = onlyResource(synthConstruct((scope) => new HexabidRelease(scope, 'App', props)), 'helm_release');
    const sets = Object.fromEntries(release.set.map((s: any) => [s.name, s.value]));
    expect(sets).toMatchObject({ 'global.imageTag': '1.4.2', 'search.endpoint': 'https://search.internal', 'api.serviceAccount.name': 'hexabid-api' });
    expect(sets).not.toHaveProperty('database.readerHost');
    const withReader = onlyResource(
      synthConstruct((scope) => new HexabidRelease(scope, 'App', { ...props, endpoints: { ...props.endpoints, databaseReaderHost: 'replica.internal' } })),
      'helm_release',
    );
    expect(withReader.set).toContainEqual({ name: 'database.readerHost', value: 'replica.internal', type: 'string' });
  });

  it('names its service accounts after the release, and exposes what it sets and where the chart lands', () => {
    let release: HexabidRelease | undefined;
    const json = synthConstruct((scope) => {
      release = new HexabidRelease(scope, 'App', { ...props, releaseName: 'hb' });
    });
    expect(release!.serviceAccountNames).toEqual({ api: 'hb-api', worker: 'hb-worker', scraper: 'hb-scraper' });
    const synthesized = onlyResource(json, 'helm_release');
    expect(synthesized.set.map((s: any) => [s.name, s.value])).toEqual(Object.entries(release!.overrides));
    expect(synthesized.chart).toBe(release!.chartAssetPath);
  });

  it('serves the environment\'s domain and its tenants\' subdomains, reads its secrets by name, and admits its VPC', () => {
    expect(environmentValues(props.environment)).toEqual({
      ingress: {
        hosts: [
          { host: 'test.example.com', paths: [{ path: '/api', pathType: 'Prefix', backend: 'api' }, { path: '/', pathType: 'Prefix', backend: 'frontend' }] },
          { host: '*.test.example.com', paths: [{ path: '/', pathType: 'Prefix', backend: 'frontend' }] },
        ],
        tls: [{ hosts: ['test.example.com', '*.test.example.com'] }],
      },
      secrets: Object.fromEntries(HEXABID_SECRETS.map((id) => [id, { remoteKey: `hexabid/test/${id}` }])),
      networkPolicy: { ingressCidrs: ['10.9.0.0/16'], dataCidrs: ['10.9.0.0/16'] },
    });
  });

  it('fails clearly for a values file the chart does not have', () => {
    expect(() => synthConstruct((scope) => new HexabidRelease(scope, 'App', { ...props, valuesFile: 'values-qa.yaml' }))).toThrow(
      `HexabidRelease App: valuesFile "values-qa.yaml" was not found in ${CHART_DIR}`,
    );
  });
});
