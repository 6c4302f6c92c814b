import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_CACHE_ENGINE, APP_DATABASE, APP_SEARCH_ENGINE, AWS_CLI_IMAGE, PLATFORM_ADDONS } from '../environments/common.ts';
import { ENVIRONMENTS } from '../environments/index.ts';
import { CLUSTER_AUTOSCALER_IMAGE_TAGS } from '../lib/aws-catalog.ts';
import { synthKubernetesEnvironment } from './helpers/synth.ts';

/** docs/PINS.md, as rows of `| pin | value | ... |` keyed by the pin's first cell. */
const rows = new Map(
  readFileSync(join(__dirname, '..', 'docs', 'PINS.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| pin '))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .map((cells) => [cells[0]!, cells[1]!] as const),
);
const valueOf = (pin: string) => {
  const row = [...rows.entries()].find(([name]) => name.startsWith(pin));
  if (!row) throw new Error(`docs/PINS.md has no row for ${pin}`);
  return row[1];
};

describe('docs/PINS.md', () => {
  it('records every add-on chart at the version every environment installs', () => {
    for (const chart of Object.values(PLATFORM_ADDONS)) expect(valueOf(chart.chart), chart.chart).toBe(chart.version);
    for (const environment of ENVIRONMENTS) {
      const releases = Object.values<any>(synthKubernetesEnvironment(environment).json.resource.helm_release ?? {}).filter((r) => r.repository);
      for (const release of releases) expect(valueOf(release.chart), `${environment.name}: ${release.chart}`).toBe(release.version);
    }
  });

  it('records the images the stacks run', () => {
    for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_IMAGE_TAGS)) expect(valueOf(`cluster-autoscaler for Kubernetes ${minor}`)).toBe(tag);
    expect(AWS_CLI_IMAGE).toBe(`public.ecr.aws/aws-cli/aws-cli:${valueOf('AWS CLI for the search role-mapping job')}`);
  });

  it('records the engine and Kubernetes versions', () => {
    expect(valueOf('RDS for PostgreSQL')).toBe(APP_DATABASE.engineVersion);
    expect(valueOf('ElastiCache')).toContain(`Valkey ${APP_CACHE_ENGINE.engineVersion}`);
    expect(valueOf('OpenSearch Service')).toBe(APP_SEARCH_ENGINE.engineVersion);
    for (const environment of ENVIRONMENTS) expect(valueOf('EKS Kubernetes')).toBe(environment.cluster.kubernetesVersion);
  });

  it('records the provider versions the stacks require', () => {
    const providers = synthKubernetesEnvironment(ENVIRONMENTS[0]!).json.terraform.required_providers;
    for (const name of ['aws', 'helm', 'kubernetes']) expect(valueOf(`hashicorp/${name}`), name).toBe(providers[name].version);
  });
});

describe('docs/PINS.md for CI', () => {
  const pinsText = readFileSync(join(__dirname, '..', 'docs', 'PINS.md'), 'utf8');
  const workflowDir = join(__dirname, '..', '.github');
  const texts = ['workflows/pull-request.yml', 'workflows/deploy.yml', 'workflows/drift.yml', 'actions/terraform-runner/action.yml'].map((f) =>
    readFileSync(join(workflowDir, f), 'utf8'),
  );

  it('records every action at the tag and commit the workflows use', () => {
    const uses = new Set(texts.flatMap((t) => [...t.matchAll(/uses: ([\w-]+\/[\w-]+)@([0-9a-f]{40}) # (v[\d.]+)/g)].map((m) => `${m[1]}@${m[2]} # ${m[3]}`)));
    expect(uses.size).toBeGreaterThanOrEqual(6);
    for (const use of uses) {
      const [, action, sha, tag] = /^(.+)@(\w+) # (.+)$/.exec(use)!;
      expect(valueOf(action!), action).toBe(tag);
      expect(pinsText, action).toContain(`| ${action} | ${tag} | commit ${sha}`);
    }
  });

  it('records the Terraform, Checkov and Session Manager versions CI installs', () => {
    for (const text of texts.slice(0, 3)) {
      expect(text).toContain(`TERRAFORM_VERSION: '${valueOf('Terraform in CI')}'`);
      expect(text).toContain(`SESSION_MANAGER_PLUGIN_VERSION: '${valueOf('session-manager-plugin')}'`);
    }
    expect(readFileSync(join(__dirname, '..', 'tools', 'ci', 'steps', 'scan.sh'), 'utf8')).toContain(`ghcr.io/bridgecrewio/checkov:${valueOf('Checkov image')}`);
  });
});
