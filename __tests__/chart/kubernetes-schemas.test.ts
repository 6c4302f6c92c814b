import { describe, expect, it } from 'vitest';
import { CHART_ENVIRONMENTS, find, render } from './helm.ts';
import { schemaProblems } from './kubernetes-schema.ts';

describe('rendered objects against the Kubernetes schemas', () => {
  it.each(CHART_ENVIRONMENTS)('%s: every object is valid and has no unknown field', async (env) => {
    const { objects } = await render(env);
    expect(objects.length).toBeGreaterThan(20);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });

  it('the optional PodMonitor is valid too', async () => {
    const { objects } = await render('production', ['metrics.podMonitor.enabled=true']);
    const monitor = find(objects, 'PodMonitor', 'hexabid');
    expect(schemaProblems(monitor)).toEqual([]);
  });

  it('catches an unknown field in a pod spec', async () => {
    const { objects } = await render('production');
    const deployment = structuredClone(find(objects, 'Deployment', 'hexabid-api'));
    deployment.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(schemaProblems(deployment)).toEqual([
      'Deployment/hexabid-api.spec.template.spec.containers[0].imagePullPolcy: unknown field of V1Container',
    ]);
  });

  it('catches an unknown field that came in through values', async () => {
    const { objects } = await render('production', ['api.affinity.nodeAffinity.requiredDuringScheduling=true']);
    expect(schemaProblems(find(objects, 'Deployment', 'hexabid-api'))).toEqual([
      'Deployment/hexabid-api.spec.template.spec.affinity.nodeAffinity.requiredDuringScheduling: unknown field of V1NodeAffinity',
    ]);
  });

  it('catches a wrong type', async () => {
    const { objects } = await render('production');
    const service = structuredClone(find(objects, 'Service', 'hexabid-api'));
    service.spec.ports[0].port = 'http';
    expect(schemaProblems(service).join('\n')).toMatch(/Service\/hexabid-api: .*port/);
  });
});
