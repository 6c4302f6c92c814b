import { describe, expect, it } from 'vitest';
import { CHART_ENVIRONMENTS, find, podSpecOf, render, type KubeObject } from './helm.ts';
import { PRODUCTION_ACCOUNT } from '../../environments/account.ts';

const WORKLOAD_KINDS = ['Deployment', 'CronJob', 'Job'];
const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const kindCounts = (objects: KubeObject[]) =>
  objects.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o.kind]: (counts[o.kind] ?? 0) + 1 }), {});
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('the chart renders the expected objects', () => {
  // The migration Job brings its own ServiceAccount, NetworkPolicy and (migrator) ExternalSecret, all hooks.
  const common = { ConfigMap: 4, CronJob: 1, Deployment: 3, ExternalSecret: 6, Ingress: 1, Job: 1, NetworkPolicy: 5, PodDisruptionBudget: 3, Service: 2, ServiceAccount: 5 };

  it('dev: no autoscalers, one replica each', async () => {
    const { objects } = await render('dev');
    expect(kindCounts(objects)).toEqual(common);
    for (const d of byKind(objects, 'Deployment')) expect(d.spec.replicas).toBe(1);
  });

  it.each(['staging', 'production'] as const)('%s: api and worker autoscale', async (env) => {
    const { objects } = await render(env);
    expect(kindCounts(objects)).toEqual({ ...common, HorizontalPodAutoscaler: 2 });
  });
});

describe('production follows the capacity plan', () => {
  it('scales api 3-10 at 70% CPU and 80% memory, worker 2-8 at 80%, with the planned behaviour', async () => {
    const { objects } = await render('production');
    const api = find(objects, 'HorizontalPodAutoscaler', 'hexabid-api').spec;
    const worker = find(objects, 'HorizontalPodAutoscaler', 'hexabid-worker').spec;
    expect([api.minReplicas, api.maxReplicas, worker.minReplicas, worker.maxReplicas]).toEqual([3, 10, 2, 8]);
    const target = (spec: any, name: string) => spec.metrics.find((m: any) => m.resource.name === name).resource.target;
    expect(target(api, 'cpu')).toEqual({ type: 'Utilization', averageUtilization: 70 });
    expect(target(api, 'memory')).toEqual({ type: 'Utilization', averageUtilization: 80 });
    expect(target(worker, 'cpu')).toEqual({ type: 'Utilization', averageUtilization: 80 });
    for (const spec of [api, worker]) {
      expect(spec.behavior).toEqual({
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      });
    }
    expect(api.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hexabid-api' });
  });

  it('leaves replicas to the HPA where one exists, and runs 2 frontends', async () => {
    const { objects } = await render('production');
    expect(find(objects, 'Deployment', 'hexabid-api').spec.replicas).toBeUndefined();
    expect(find(objects, 'Deployment', 'hexabid-worker').spec.replicas).toBeUndefined();
    expect(find(objects, 'Deployment', 'hexabid-frontend').spec.replicas).toBe(2);
  });

  it('sizes the api and worker as planned', async () => {
    const { objects } = await render('production');
    const resources = (name: string) => podSpecOf(find(objects, 'Deployment', name)).spec.containers[0].resources;
    expect(resources('hexabid-api')).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2000m', memory: '2Gi' } });
    expect(resources('hexabid-worker')).toEqual({ requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '4Gi' } });
  });

  it('probes the api on /health and /ready at port 3000 with the planned timings', async () => {
    const { objects } = await render('production');
    const container = podSpecOf(find(objects, 'Deployment', 'hexabid-api')).spec.containers[0];
    expect(container.ports).toContainEqual({ name: 'http', containerPort: 3000, protocol: 'TCP' });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 30, periodSeconds: 10 });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 5 });
  });

  it('runs the planned images and lets one value deploy a release', async () => {
    const images = (objects: KubeObject[]) =>
      objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map((o) => podSpecOf(o).spec.containers[0].image).sort();
    // The api image twice: the api and the migration Job.
    expect(images((await render('production')).objects)).toEqual([
      'hexabid/api:1.0.0', 'hexabid/api:1.0.0', 'hexabid/frontend:1.0.0', 'hexabid/worker:1.0.0', 'hexabid/worker:1.0.0',
    ]);
    expect(images((await render('production', ['global.imageTag=2.3.4'])).objects)).toEqual([
      'hexabid/api:2.3.4', 'hexabid/api:2.3.4', 'hexabid/frontend:2.3.4', 'hexabid/worker:2.3.4', 'hexabid/worker:2.3.4',
    ]);
  });

  it('configures NODE_ENV, LOG_LEVEL and ENABLE_CORS, and the LLM key from its secret', async () => {
    const { objects } = await render('production');
    expect(find(objects, 'ConfigMap', 'hexabid-api').data).toMatchObject({ NODE_ENV: 'production', LOG_LEVEL: 'info', ENABLE_CORS: 'true' });
    const env = podSpecOf(find(objects, 'Deployment', 'hexabid-api')).spec.containers[0].env;
    expect(env).toContainEqual({ name: 'EMERGENT_LLM_KEY', valueFrom: { secretKeyRef: { name: 'hexabid-llm-secret', key: 'api-key' } } });
  });

  it('pulls the secrets of the design from Secrets Manager, S3 keys aside, plus the migrator\'s and, with a replica, the read-only user\'s', async () => {
    const { objects } = await render('production', ['database.readerHost=replica.internal']);
    const external = byKind(objects, 'ExternalSecret');
    expect(external.map((e) => e.metadata.name).sort()).toEqual([
      'hexabid-db-migrator-secret', 'hexabid-db-reader-secret', 'hexabid-db-secret', 'hexabid-llm-secret', 'hexabid-redis-secret', 'hexabid-sendgrid-secret',
      'hexabid-twilio-secret',
    ]);
    for (const e of external) {
      expect(e.apiVersion).toBe('external-secrets.io/v1');
      expect(e.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
      expect(e.spec.dataFrom[0].extract.key).toMatch(/^hexabid\/production\//);
    }
  });
});

describe('the workers and the scraper', () => {
  it('schedule workers and scrapes onto the worker node group', async () => {
    const { objects } = await render('production');
    for (const workload of [find(objects, 'Deployment', 'hexabid-worker'), find(objects, 'CronJob', 'hexabid-scraper')]) {
      const pod = podSpecOf(workload).spec;
      expect(pod.nodeSelector).toEqual({ 'hexabid.in/node-group': 'worker' });
      expect(pod.tolerations).toEqual([{ key: 'hexabid.in/workload', operator: 'Equal', value: 'worker', effect: 'NoSchedule' }]);
    }
    expect(podSpecOf(find(objects, 'Deployment', 'hexabid-api')).spec.nodeSelector).toBeUndefined();
  });

  it('never runs two scrapes at once, and bounds each run', async () => {
    const { objects } = await render('production');
    const cron = find(objects, 'CronJob', 'hexabid-scraper').spec;
    expect(cron).toMatchObject({ schedule: '0 */6 * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
    expect(cron.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 3600, backoffLimit: 2 });
    expect(cron.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(cron.jobTemplate.spec.template.spec.containers[0].args).toEqual(['scrape-tenders']);
  });
});

describe.each(CHART_ENVIRONMENTS)('Kubernetes conventions in %s', (env) => {
  it('runs every pod under the restricted Pod Security profile', async () => {
    const { objects } = await render(env);
    const workloads = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
    expect(workloads).toHaveLength(5);
    for (const workload of workloads) {
      const pod = podSpecOf(workload).spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext.capabilities.add).toBeUndefined();
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('spreads each Deployment across zones and nodes', async () => {
    const { objects } = await render(env);
    for (const d of byKind(objects, 'Deployment')) {
      const keys = podSpecOf(d).spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
      expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      for (const t of podSpecOf(d).spec.topologySpreadConstraints) expect(t.labelSelector.matchLabels).toEqual(d.spec.selector.matchLabels);
    }
  });

  it('labels everything with app.kubernetes.io/* and helm.sh/chart, and never sets a namespace', async () => {
    const { objects } = await render(env);
    for (const o of objects) {
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'hexabid',
        'app.kubernetes.io/instance': 'hexabid',
        'app.kubernetes.io/managed-by': 'Helm',
        'helm.sh/chart': expect.stringMatching(/^hexabid-\d+\.\d+\.\d+$/),
      });
    }
  });

  it('keeps selectors stable and consistent across Deployments, Services, PDBs, HPAs and NetworkPolicies', async () => {
    const { objects } = await render(env);
    const deployments = byKind(objects, 'Deployment');
    for (const d of deployments) {
      // Only the immutable identity labels select: version or chart labels would break upgrades.
      expect(Object.keys(d.spec.selector.matchLabels).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name']);
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    }
    const selecting = (selector: Record<string, string>) => deployments.filter((d) => matches(selector, d.spec.template.metadata.labels));
    for (const s of byKind(objects, 'Service')) expect(selecting(s.spec.selector).map((d) => d.metadata.name)).toEqual([s.metadata.name]);
    for (const p of byKind(objects, 'PodDisruptionBudget')) {
      expect(selecting(p.spec.selector.matchLabels).map((d) => d.metadata.name)).toEqual([p.metadata.name]);
      expect(p.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    }
    for (const h of byKind(objects, 'HorizontalPodAutoscaler')) expect(deployments.map((d) => d.metadata.name)).toContain(h.spec.scaleTargetRef.name);
    const pods = objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map((o) => podSpecOf(o).metadata.labels);
    for (const n of byKind(objects, 'NetworkPolicy')) expect(pods.filter((labels) => matches(n.spec.podSelector.matchLabels, labels))).toHaveLength(1);
  });

  it('points each Service at a named container port, and each Ingress backend at a Service port', async () => {
    const { objects } = await render(env);
    for (const s of byKind(objects, 'Service')) {
      const container = podSpecOf(find(objects, 'Deployment', s.metadata.name)).spec.containers[0];
      expect(container.ports.map((p: any) => p.name)).toContain(s.spec.ports[0].targetPort);
    }
    const ingress = find(objects, 'Ingress', 'hexabid');
    for (const rule of ingress.spec.rules) {
      for (const path of rule.http.paths) {
        const service = find(objects, 'Service', path.backend.service.name);
        expect(service.spec.ports[0].port).toBe(path.backend.service.port.number);
      }
    }
  });

  it('renders no secret value anywhere', async () => {
    const { objects, text } = await render(env);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const secretish = /PASSWORD|SECRET|TOKEN|API_KEY|AUTH|CREDENTIAL/;
    for (const cm of byKind(objects, 'ConfigMap')) expect(Object.keys(cm.data ?? {}).filter((k) => secretish.test(k))).toEqual([]);
    for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
      for (const variable of podSpecOf(workload).spec.containers[0].env ?? []) {
        if (secretish.test(variable.name)) expect(variable.valueFrom?.secretKeyRef).toBeDefined();
        // Connection strings carry only $(VAR) references that Kubernetes expands in the pod.
        if (variable.value?.includes('://')) expect(variable.value).toMatch(/:\/\/(\$\([A-Z_]+\))?:\$\([A-Z_]+\)@/);
      }
    }
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|-----BEGIN|stringData:/);
  });
});

describe('ingress', () => {
  it('routes hexabid.in/api to the api and the rest, with tenant subdomains, to the frontend', async () => {
    const { objects } = await render('production');
    const ingress = find(objects, 'Ingress', 'hexabid');
    const routes = ingress.spec.rules.flatMap((r: any) =>
      r.http.paths.map((p: any) => `${r.host}${p.path} ${p.pathType} -> ${p.backend.service.name}:${p.backend.service.port.number}`),
    );
    expect(routes).toEqual([
      'hexabid.in/api Prefix -> hexabid-api:3000',
      'hexabid.in/ Prefix -> hexabid-frontend:80',
      '*.hexabid.in/ Prefix -> hexabid-frontend:80',
    ]);
    expect(ingress.spec.tls).toEqual([{ hosts: ['hexabid.in', '*.hexabid.in'] }]);
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations?.['kubernetes.io/ingress.class']).toBeUndefined();
  });

  it('configures the ALB: ACM certificate, TLS 1.3 policy, HTTPS redirect, WAF, HSTS, dropped invalid headers', async () => {
    const certificate = `arn:aws:acm:ap-south-1:${PRODUCTION_ACCOUNT.accountId}:certificate/0d7a1c5e-1b2c-4d3e-8f90-123456789abc`;
    const waf = `arn:aws:wafv2:ap-south-1:${PRODUCTION_ACCOUNT.accountId}:regional/webacl/hexabid-production/1a2b3c4d`;
    const { objects } = await render('production', [`ingress.alb.certificateArn=${certificate}`, `ingress.alb.wafAclArn=${waf}`]);
    expect(find(objects, 'Ingress', 'hexabid').metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      'alb.ingress.kubernetes.io/certificate-arn': certificate,
      'alb.ingress.kubernetes.io/wafv2-acl-arn': waf,
      'alb.ingress.kubernetes.io/load-balancer-attributes': 'routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=true',
      'alb.ingress.kubernetes.io/listener-attributes.HTTPS-443':
        'routing.http.response.strict_transport_security.header_value=max-age=31536000; includeSubDomains; preload',
    });
  });

  it('sends ALB access logs to the bucket Terraform names, after the values file attributes', async () => {
    const { objects } = await render('production', [`ingress.alb.accessLogs.bucket=hexabid-production-access-logs-${PRODUCTION_ACCOUNT.accountId}`]);
    expect(find(objects, 'Ingress', 'hexabid').metadata.annotations?.['alb.ingress.kubernetes.io/load-balancer-attributes']).toBe(
      'routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=true,' +
        `access_logs.s3.enabled=true,access_logs.s3.bucket=hexabid-production-access-logs-${PRODUCTION_ACCOUNT.accountId},access_logs.s3.prefix=alb`,
    );
  });

  it('works with another controller through values alone', async () => {
    const { objects } = await render('production', [
      'ingress.className=nginx',
      'ingress.alb.enabled=false',
      'ingress.tls[0].secretName=hexabid-tls',
      'ingress.tls[0].hosts={hexabid.in,*.hexabid.in}',
      'ingress.annotations.cert-manager\\.io/cluster-issuer=letsencrypt-prod',
    ]);
    const ingress = find(objects, 'Ingress', 'hexabid');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ingress.spec.tls).toEqual([{ hosts: ['hexabid.in', '*.hexabid.in'], secretName: 'hexabid-tls' }]);
  });
});

describe('service accounts and metrics', () => {
  it('gives api, worker and scraper their own service accounts, annotatable for IRSA', async () => {
    const role = `arn:aws:iam::${PRODUCTION_ACCOUNT.accountId}:role/hexabid-production-app`;
    const { objects } = await render('production', [`api.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=${role}`]);
    for (const name of ['api', 'worker', 'scraper']) {
      const account = find(objects, 'ServiceAccount', `hexabid-${name}`);
      expect(account.automountServiceAccountToken).toBe(false);
    }
    expect(find(objects, 'ServiceAccount', 'hexabid-api').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': role });
    expect(podSpecOf(find(objects, 'CronJob', 'hexabid-scraper')).spec.serviceAccountName).toBe('hexabid-scraper');
  });

  it('exposes metrics ports on api and worker, with the PodMonitor off unless asked for', async () => {
    const { objects } = await render('production');
    for (const name of ['hexabid-api', 'hexabid-worker']) {
      expect(podSpecOf(find(objects, 'Deployment', name)).spec.containers[0].ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
    }
    expect(byKind(objects, 'PodMonitor')).toEqual([]);
    const monitored = await render('production', ['metrics.podMonitor.enabled=true']);
    expect(find(monitored.objects, 'PodMonitor', 'hexabid').spec.podMetricsEndpoints).toEqual([{ port: 'metrics', interval: '30s' }]);
  });

  it('reads DATABASE_URL and REDIS_URL from their Secrets, never from the pod spec', async () => {
    const { objects } = await render('production', ['database.host=db.internal', 'database.readerHost=replica.internal', 'redis.host=cache.internal']);
    const env = podSpecOf(find(objects, 'Deployment', 'hexabid-worker')).spec.containers[0].env;
    const value = (name: string) => env.find((e: any) => e.name === name);
    expect(value('DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'hexabid-db-secret', key: 'url' });
    expect(value('DATABASE_READER_URL').valueFrom.secretKeyRef).toEqual({ name: 'hexabid-db-reader-secret', key: 'url' });
    expect(value('REDIS_URL').valueFrom.secretKeyRef).toEqual({ name: 'hexabid-redis-secret', key: 'url' });
    expect(env.filter((e: any) => e.value !== undefined && /password|:\/\//i.test(String(e.value)))).toEqual([]);
  });

  it('has the operator assemble the URLs in the Secrets, URL-escaping the credentials', async () => {
    const { objects } = await render('production', ['database.host=db.internal', 'database.readerHost=replica.internal', 'redis.host=cache.internal']);
    const template = (name: string) => find(objects, 'ExternalSecret', name).spec.target.template;
    expect(template('hexabid-db-secret')).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Merge',
      data: { url: 'postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@db.internal:5432/hexabid?sslmode=require' },
    });
    // The replica URL is the read-only user's, from its own secret.
    expect(template('hexabid-db-reader-secret').data).toEqual({
      url: 'postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@replica.internal:5432/hexabid?sslmode=require',
    });
    expect(template('hexabid-redis-secret').data).toEqual({ url: 'rediss://:{{ .password | urlquery }}@cache.internal:6379' });
    expect(template('hexabid-llm-secret')).toBeUndefined();
  });
});
