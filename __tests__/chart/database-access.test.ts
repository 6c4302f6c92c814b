import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, CHART_ENVIRONMENTS, find, podSpecOf, render, template, type KubeObject } from './helm.ts';
import { PRODUCTION_ACCOUNT } from '../../environments/account.ts';
import { schemaProblems } from './kubernetes-schema.ts';

/** What Terraform sets, so the reader URL and every ExternalSecret render. */
const ENDPOINTS = ['database.host=db.internal', 'database.readerHost=replica.internal', 'redis.host=cache.internal'];
const HOOK_KINDS = ['ServiceAccount', 'NetworkPolicy', 'ExternalSecret'];
const DSN = (host: string) => `postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@${host}:5432/hexabid?sslmode=require`;

const hooks = (objects: KubeObject[]) => objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']);
const weight = (o: KubeObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight'] ?? '0');
const remoteKey = (objects: KubeObject[], name: string) => find(objects, 'ExternalSecret', name).spec.dataFrom.map((d: any) => d.extract.key);
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function chartFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? chartFiles(path) : [path];
  });
}

describe.each(CHART_ENVIRONMENTS)('least-privilege database access in %s', (env) => {
  it('never references the master secret, in the render or anywhere in the chart', async () => {
    const { text } = await render(env, ENDPOINTS);
    expect(text).not.toMatch(/database\/master/);
    for (const file of chartFiles(CHART_DIR)) expect({ file, master: /database\/master/.test(readFileSync(file, 'utf8')) }).toEqual({ file, master: false });
  });

  it('points the app at the app user, the replica URL at the read-only user, migrations at the migrator', async () => {
    const { objects } = await render(env, ENDPOINTS);
    expect(remoteKey(objects, 'hexabid-db-secret')).toEqual([`hexabid/${env}/database/app`]);
    expect(remoteKey(objects, 'hexabid-db-reader-secret')).toEqual([`hexabid/${env}/database/app-readonly`]);
    expect(remoteKey(objects, 'hexabid-db-migrator-secret')).toEqual([`hexabid/${env}/database/migrator`]);
  });

  it('assembles each URL from the secret\'s current username and password, URL-escaped', async () => {
    const { objects } = await render(env, ENDPOINTS);
    const data = (name: string) => find(objects, 'ExternalSecret', name).spec.target.template;
    for (const [name, host] of [['hexabid-db-secret', 'db.internal'], ['hexabid-db-reader-secret', 'replica.internal'], ['hexabid-db-migrator-secret', 'db.internal']]) {
      expect(data(name!)).toEqual({ engineVersion: 'v2', mergePolicy: 'Merge', data: { url: DSN(host!) } });
    }
  });

  it('gives every backend pod the URLs as rotating files too, and the frontend nothing', async () => {
    const { objects } = await render(env, ENDPOINTS);
    for (const workload of [find(objects, 'Deployment', 'hexabid-api'), find(objects, 'Deployment', 'hexabid-worker'), find(objects, 'CronJob', 'hexabid-scraper')]) {
      const pod = podSpecOf(workload).spec;
      const container = pod.containers[0];
      expect(container.volumeMounts).toContainEqual({ name: 'database-credentials', mountPath: '/var/run/secrets/hexabid/database', readOnly: true });
      // A projected volume without subPath, so the kubelet rewrites the files when the Secrets change.
      expect(container.volumeMounts.every((m: any) => m.subPath === undefined)).toBe(true);
      expect(pod.volumes.find((v: any) => v.name === 'database-credentials')).toEqual({
        name: 'database-credentials',
        projected: {
          sources: [
            { secret: { name: 'hexabid-db-secret', items: [{ key: 'url', path: 'url' }] } },
            { secret: { name: 'hexabid-db-reader-secret', items: [{ key: 'url', path: 'reader-url' }] } },
          ],
        },
      });
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: 'DATABASE_URL_FILE', value: '/var/run/secrets/hexabid/database/url' },
          { name: 'DATABASE_READER_URL_FILE', value: '/var/run/secrets/hexabid/database/reader-url' },
          { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'hexabid-db-secret', key: 'url' } } },
          { name: 'DATABASE_READER_URL', valueFrom: { secretKeyRef: { name: 'hexabid-db-reader-secret', key: 'url' } } },
        ]),
      );
    }
    const frontend = podSpecOf(find(objects, 'Deployment', 'hexabid-frontend')).spec;
    expect(frontend.volumes.map((v: any) => v.name)).toEqual(['tmp']);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });
});

describe('without a replica', () => {
  it('has no read-only secret, reader URL or reader file', async () => {
    const { objects } = await render('production', ['database.host=db.internal']);
    expect(objects.filter((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'hexabid-db-reader-secret')).toEqual([]);
    const pod = podSpecOf(find(objects, 'Deployment', 'hexabid-api')).spec;
    expect(pod.containers[0].env.map((e: any) => e.name).filter((n: string) => n.startsWith('DATABASE_'))).toEqual(['DATABASE_URL', 'DATABASE_URL_FILE']);
    expect(pod.volumes.find((v: any) => v.name === 'database-credentials').projected.sources).toEqual([
      { secret: { name: 'hexabid-db-secret', items: [{ key: 'url', path: 'url' }] } },
    ]);
  });
});

describe.each(CHART_ENVIRONMENTS)('the migration Job in %s', (env) => {
  it('runs before every install and upgrade, after the objects it needs, and stays when it fails', async () => {
    const { objects } = await render(env, ENDPOINTS);
    const job = find(objects, 'Job', 'hexabid-migrations');
    expect(job.metadata.annotations).toEqual({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-10',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    const prerequisites = [
      find(objects, 'ServiceAccount', 'hexabid-migrations'),
      find(objects, 'NetworkPolicy', 'hexabid-migrations'),
      find(objects, 'ExternalSecret', 'hexabid-db-migrator-secret'),
    ];
    for (const o of prerequisites) {
      expect(o.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
      expect(weight(o)).toBeLessThan(weight(job));
    }
    // Nothing else is a hook, and the Job runs before any hook added later at the default weight.
    expect(hooks(objects).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [...prerequisites, job].map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
    expect(weight(job)).toBeLessThan(0);
    expect(HOOK_KINDS.every((kind) => prerequisites.some((o) => o.kind === kind))).toBe(true);
  });

  it('is bounded, restricted, and runs the api image\'s migrate command', async () => {
    const { objects } = await render(env, [...ENDPOINTS, 'global.imageTag=2.3.4']);
    const job = find(objects, 'Job', 'hexabid-migrations');
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 600, backoffLimit: 1 });
    const pod = podSpecOf(job).spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    expect(container.image).toBe('hexabid/api:2.3.4');
    expect(container.command).toEqual(['npm', 'run', 'migrate']);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }]);
    expect(container.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } });
    expect(schemaProblems(job)).toEqual([]);
  });

  it('connects as the migrator and holds no other secret, nor anything of the release that a hook cannot rely on', async () => {
    const { objects } = await render(env, ENDPOINTS);
    const container = podSpecOf(find(objects, 'Job', 'hexabid-migrations')).spec.containers[0];
    const fromSecrets = container.env.filter((e: any) => e.valueFrom);
    expect(fromSecrets).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'hexabid-db-migrator-secret', key: 'url' } } }]);
    // The api ConfigMap does not exist yet on a first install (hooks come first), so settings are inline.
    expect(container.envFrom).toBeUndefined();
    expect(container.env).toContainEqual({ name: 'DATABASE_HOST', value: 'db.internal' });
  });

  it('runs as a service account of its own with no AWS role and no token', async () => {
    const role = `arn:aws:iam::${PRODUCTION_ACCOUNT.accountId}:role/hexabid-app`;
    const { objects } = await render(env, [...ENDPOINTS, `api.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=${role}`]);
    const pod = podSpecOf(find(objects, 'Job', 'hexabid-migrations')).spec;
    expect(pod.serviceAccountName).toBe('hexabid-migrations');
    const account = find(objects, 'ServiceAccount', 'hexabid-migrations');
    expect(account.automountServiceAccountToken).toBe(false);
    expect(Object.keys(account.metadata.annotations ?? {}).filter((k) => !k.startsWith('helm.sh/'))).toEqual([]);
  });

  it('may reach PostgreSQL and DNS, and nothing else', async () => {
    const { objects } = await render(env, ENDPOINTS);
    const labels = podSpecOf(find(objects, 'Job', 'hexabid-migrations')).metadata.labels;
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && matches(o.spec.podSelector.matchLabels, labels));
    expect(policies.map((p) => p.metadata.name)).toEqual(['hexabid-migrations']);
    const policy = policies[0]!.spec;
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.ingress ?? []).toEqual([]);
    const ports = policy.egress.flatMap((rule: any) => rule.ports.map((p: any) => `${p.protocol}/${p.port}`)).sort();
    expect(ports).toEqual(['TCP/53', 'TCP/5432', 'UDP/53']);
    const postgres = policy.egress.find((rule: any) => rule.ports.some((p: any) => p.port === 5432));
    expect(postgres.to.map((t: any) => t.ipBlock.cidr)).toEqual(find(objects, 'NetworkPolicy', 'hexabid-api').spec.egress[1].to.map((t: any) => t.ipBlock.cidr));
  });
});

describe('migrations switched off', () => {
  it('renders no Job, nor its account, policy or secret', async () => {
    const { objects } = await render('production', [...ENDPOINTS, 'migrations.enabled=false']);
    expect(hooks(objects)).toEqual([]);
    expect(objects.filter((o) => o.metadata.name.includes('migrat'))).toEqual([]);
  });
});

describe('migrations values', () => {
  it.each([
    ['an unknown key', ['migrations.timeout=5'], /migrations: Additional property timeout is not allowed/],
    ['a negative backoff limit', ['migrations.backoffLimit=-1'], /migrations\.backoffLimit: Must be greater than or equal to 0/],
    ['a zero deadline', ['migrations.activeDeadlineSeconds=0'], /migrations\.activeDeadlineSeconds: Must be greater than or equal to 1/],
    ['an empty command', ['migrations.command={}'], /migrations\.command\.0: String length must be greater than or equal to 1/],
  ])('rejects %s', async (_what, sets, message) => {
    const result = await template('production', sets);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
