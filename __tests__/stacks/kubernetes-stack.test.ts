import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from '../../environments/index.ts';
import { CHART_DIR } from '../../lib/chart-path.ts';
import { unscopedWriteActions } from '../../modules/internal/iam.ts';
import { DISASTER_RECOVERY_OUTPUTS, INFRASTRUCTURE_OUTPUTS } from '../../stacks/stack-outputs.ts';
import { environmentValues } from '../../modules/kubernetes/hexabid-release.ts';
import { hexabidEnvironmentValues } from '../../stacks/kubernetes-stack.ts';
import { THIRD_PARTY_SECRETS } from '../../stacks/third-party-secrets.ts';
import { secretNamePrefix } from '../../stacks/stack-foundation.ts';
import { IMAGE_TAG_PATTERN } from '../../stacks/image-tag-variable.ts';
import { onlyDataSource, onlyResource, parsePolicy, referencesIn, resourcesOf, synthEnvironment, synthKubernetesEnvironment } from '../helpers/synth.ts';

const environments = ENVIRONMENTS.map((e) => [e.name, e] as const);

/** The helm_release of a chart, by its release name. */
function release(json: ReturnType<typeof synthKubernetesEnvironment>['json'], name: string): Record<string, any> {
  const found = resourcesOf(json, 'helm_release').filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one helm_release "${name}", found ${found.length}`);
  return found[0]!;
}

describe.each(environments)('hexabid-%s-k8s', (name, config) => {
  const { json, stackDir } = synthKubernetesEnvironment(config);
  const clusterName = `hexabid-${name}`;
  const appNamespace = config.kubernetes.appNamespace;
  // Environments with a standby take search snapshots (the primary) or restore them (the standby).
  const snapshots = config.disasterRecovery !== undefined || config.standbyFor !== undefined;
  const secretPrefix = secretNamePrefix(config);

  describe('providers', () => {
    it('authenticate with an aws eks get-token exec block and no static credentials', () => {
      const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', clusterName, '--region', config.region, '--output', 'json'] };
      const kubernetes = json.provider.kubernetes![0];
      const helm = json.provider.helm![0].kubernetes;
      expect(kubernetes.exec).toEqual([exec]);
      expect(helm.exec).toEqual(exec);
      for (const connection of [kubernetes, helm]) {
        for (const key of ['token', 'client_key', 'client_certificate', 'password', 'config_path', 'config_paths', 'insecure']) expect(connection).not.toHaveProperty(key);
      }
    });

    it('are configured from a data source looked up by name, never from a resource in this stack', () => {
      const references = referencesIn([json.provider.kubernetes, json.provider.helm]);
      expect(references.length).toBeGreaterThan(0);
      for (const reference of references) {
        // The host's conditional nests a reference, so the scan sees it cut at the inner `}`.
        expect(reference).toMatch(/^((base64decode|trimprefix)\()?data\.aws_eks_cluster\.Cluster\.|^\(var\.cluster_api_tunnel_port > 1023\) \? \\"https:\/\/127\.0\.0\.1:\$\{var\.cluster_api_tunnel_port$/);
      }
      expect(onlyDataSource(json, 'aws_eks_cluster').name).toBe(clusterName);
    });

    it('reach the private endpoint directly, or through a local tunnel while verifying the endpoint\'s own name', () => {
      const kubernetes = json.provider.kubernetes![0];
      const helm = json.provider.helm![0].kubernetes;
      for (const provider of [kubernetes, helm]) {
        expect(provider.host).toBe('${(var.cluster_api_tunnel_port > 1023) ? "https://127.0.0.1:${var.cluster_api_tunnel_port}" : data.aws_eks_cluster.Cluster.endpoint}');
        expect(provider.tls_server_name).toBe('${trimprefix(data.aws_eks_cluster.Cluster.endpoint, "https://")}');
      }
      const tunnel = json.variable!.cluster_api_tunnel_port;
      expect(tunnel).toMatchObject({ type: 'number', default: 0, nullable: false });
      expect(tunnel.validation[0].condition).toContain('>= 1024');
    });

    it('look up the cluster the infrastructure stack creates', () => {
      const infra = synthEnvironment(config).json;
      expect(onlyResource(infra, 'aws_eks_cluster').name).toBe(clusterName);
    });

    it('keep their own state next to the infrastructure state, locked and encrypted', () => {
      const backend = json.terraform.backend.s3;
      const infraBackend = synthEnvironment(config).json.terraform.backend.s3;
      expect(backend).toEqual({ ...infraBackend, key: `hexabid-${name}-k8s/terraform.tfstate` });
    });
  });

  describe('infrastructure outputs', () => {
    it('are read from the infrastructure stack state', () => {
      const state = onlyDataSource(json, 'terraform_remote_state');
      const infraBackend = synthEnvironment(config).json.terraform.backend.s3;
      expect(state.backend).toBe('s3');
      expect(state.config).toMatchObject({ bucket: infraBackend.bucket, key: infraBackend.key, region: infraBackend.region });
    });

    it('name only outputs the infrastructure stack produces', () => {
      const infraOutputs = Object.keys(synthEnvironment(config).json.output ?? {});
      const read = new Set([...JSON.stringify(json.resource).matchAll(/terraform_remote_state\.[A-Za-z0-9_]+\.outputs\.([a-z_]+)/g)].map((m) => m[1]!));
      expect(read.size).toBeGreaterThan(5);
      for (const output of read) {
        expect([...INFRASTRUCTURE_OUTPUTS, ...DISASTER_RECOVERY_OUTPUTS]).toContain(output);
        expect(infraOutputs).toContain(output);
      }
    });
  });

  describe('namespaces', () => {
    const namespaces = resourcesOf(json, 'kubernetes_namespace_v1').map((n) => n.metadata);
    const byName = (ns: string) => namespaces.find((n) => n.name === ns);

    it('enforce restricted on the app namespace, and audit and warn at restricted everywhere', () => {
      expect(byName(appNamespace)?.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      for (const ns of namespaces) {
        expect(ns.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
        expect(ns.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
      }
    });

    it('include hexabid-system, one namespace per add-on, and the node agents\' namespace, the only privileged one', () => {
      expect(namespaces.map((n) => n.name).sort()).toEqual(
        ['aws-load-balancer-controller', 'cluster-autoscaler', 'external-dns', 'external-secrets', appNamespace, 'hexabid-node-agents', 'hexabid-system', 'metrics-server'].sort(),
      );
      for (const ns of namespaces) {
        expect(ns.labels['pod-security.kubernetes.io/enforce'] === 'privileged', ns.name).toBe(ns.name === 'hexabid-node-agents');
        if (ns.labels['pod-security.kubernetes.io/enforce'] !== 'restricted') expect(ns.annotations['hexabid.in/pod-security-reason']).toMatch(/\w/);
      }
    });

    it('put a ResourceQuota and a LimitRange on the app namespace only', () => {
      const quota = onlyResource(json, 'kubernetes_resource_quota_v1');
      const q = config.kubernetes.appQuota;
      expect(quota.metadata.namespace).toMatch(/AppNamespace/);
      expect(quota.spec.hard).toEqual({ 'requests.cpu': q.requestsCpu, 'requests.memory': q.requestsMemory, 'limits.cpu': q.limitsCpu, 'limits.memory': q.limitsMemory, pods: String(q.pods) });
      const limits = onlyResource(json, 'kubernetes_limit_range_v1');
      expect(limits.metadata.namespace).toMatch(/AppNamespace/);
      expect(limits.spec.limit[0]).toMatchObject({ type: 'Container', default_request: { cpu: '100m', memory: '128Mi' } });
    });
  });

  describe('add-ons', () => {
    const addons = Object.values(config.kubernetes.addons);

    it.each(addons.map((a) => [a.chart, a] as const))('%s is a pinned chart from its https repository', (chart, pinned) => {
      const r = release(json, chart);
      expect(r.repository).toBe(pinned.repository);
      expect(r.repository).toMatch(/^https:\/\//);
      expect(r.version).toBe(pinned.version);
      expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(r).toMatchObject({ wait: true, atomic: true, cleanup_on_fail: true, timeout: 600, max_history: 10, create_namespace: false });
    });

    it('give every AWS role to Pod Identity, for this cluster and named service accounts only', () => {
      const roles = resourcesOf(json, 'aws_iam_role');
      expect(roles.map((r) => r.name).sort()).toEqual(
        // Production and its standby page: their Alertmanager publishes a heartbeat, as a role of its own.
        ['app', 'aws-load-balancer-controller', 'cluster-autoscaler', 'external-dns', 'external-secrets', 'fluent-bit', 'grafana', ...(snapshots ? ['search-snapshot-job', 'alertmanager'] : [])].map((r) => `${clusterName}-${r}`).sort(),
      );
      for (const role of roles) {
        const [statement, ...rest] = parsePolicy(role.assume_role_policy).Statement;
        expect(rest).toEqual([]);
        expect(statement!.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
        expect(statement!.Condition.StringEquals['aws:RequestTag/eks-cluster-name']).toBe(clusterName);
        expect(statement!.Condition.StringEquals['aws:RequestTag/kubernetes-service-account'].length).toBeGreaterThan(0);
      }
      expect(resourcesOf(json, 'aws_iam_openid_connect_provider')).toEqual([]);
    });

    it('allow no write action on every resource', () => {
      const policies = resourcesOf(json, 'aws_iam_role_policy');
      expect(policies).toHaveLength(snapshots ? 9 : 7);
      for (const policy of policies) {
        for (const statement of parsePolicy(policy.policy).Statement) expect(unscopedWriteActions(statement as never)).toEqual([]);
      }
    });

    it('bind each role to service accounts the charts actually create', () => {
      const associations = resourcesOf(json, 'aws_eks_pod_identity_association').map((a) => a.service_account).sort();
      expect(associations).toEqual(
        ['aws-for-fluent-bit', 'aws-load-balancer-controller', 'cluster-autoscaler', 'external-dns', 'external-secrets', 'grafana', 'hexabid-api', 'hexabid-scraper', 'hexabid-worker', 'opensearch-security', ...(snapshots ? ['search-snapshots', 'monitoring-alertmanager'] : [])].sort(),
      );
      const values = (chart: string) => JSON.parse(release(json, chart).values[0]);
      expect(values('aws-load-balancer-controller').serviceAccount.name).toBe('aws-load-balancer-controller');
      expect(values('external-secrets').serviceAccount.name).toBe('external-secrets');
      expect(values('external-dns').serviceAccount.name).toBe('external-dns');
      expect(values('cluster-autoscaler').rbac.serviceAccount.name).toBe('cluster-autoscaler');
      expect(values('monitoring').alertmanager.serviceAccount.name).toBe('monitoring-alertmanager');
      for (const a of resourcesOf(json, 'aws_eks_pod_identity_association')) expect(a.cluster_name).toBe(clusterName);
    });

    it('let external-secrets read only this environment\'s secrets', () => {
      const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.role.includes('ExternalSecrets'))!;
      const [read, decrypt] = parsePolicy(policy.policy).Statement;
      // A standby shares its primary's secret names, in its own region.
      expect(read!.Resource).toMatch(new RegExp(`:secret:${secretPrefix}/\\*$`));
      expect(decrypt!.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.${data.aws_region.AwsContext_Region_51268B9B.region}.amazonaws.com' } });
    });

    it('let cluster-autoscaler resize only this cluster\'s node-group ASGs', () => {
      const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.role.includes('ClusterAutoscaler'))!;
      const write = parsePolicy(policy.policy).Statement.find((s) => s.Sid === 'ScaleOnlyThisClustersNodeGroups')!;
      expect(write.Resource.map((r: string) => r.split('autoScalingGroupName/')[1])).toEqual(Object.keys(config.cluster.nodeGroups).map((g) => `eks-${g}-*`));
      expect(write.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' } });
      const values = JSON.parse(release(json, 'cluster-autoscaler').values[0]);
      expect(values.autoDiscovery).toEqual({ clusterName });
      // The autoscaler must match the control plane's minor version.
      expect(values.image.tag.startsWith(`v${config.cluster.kubernetesVersion}.`)).toBe(true);
    });

    it('let external-dns change only this environment\'s zone', () => {
      const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.role.includes('ExternalDns'))!;
      const change = parsePolicy(policy.policy).Statement.find((s) => s.Action === 'route53:ChangeResourceRecordSets')!;
      expect(change.Resource).toMatch(/^\$\{(data\.)?aws_route53_zone\.Zone_[A-Z0-9]+\.arn\}$/);
      expect(JSON.parse(release(json, 'external-dns').values[0])).toMatchObject({
        domainFilters: [config.edge.domainName],
        txtOwnerId: clusterName,
        policy: 'sync',
        // The apex's ownership record must stay inside the zone, and no record name may hold a '*'.
        txtPrefix: expect.stringMatching(/\.$/),
        extraArgs: expect.arrayContaining(['--txt-wildcard-replacement=wildcard']),
      });
    });

    it('install the ClusterSecretStore from the platform chart after the operator, for the app and monitoring namespaces only', () => {
      const store = release(json, 'cluster-secret-store');
      expect(store.depends_on).toEqual([expect.stringMatching(/^helm_release\.ExternalSecrets_Chart_Release/)]);
      expect(existsSync(join(stackDir, store.chart, 'templates', 'cluster-secret-store.yaml'))).toBe(true);
      const values = JSON.parse(store.values[0]).clusterSecretStore;
      expect(values.name).toBe('aws-secrets-manager');
      expect(values.namespaces).toEqual([expect.stringMatching(/AppNamespace/), expect.stringMatching(/SystemNamespace/)]);
    });
  });

  describe('edge', () => {
    it('issues an ACM certificate for the domain and its wildcard, validated by DNS', () => {
      const certificate = onlyResource(json, 'aws_acm_certificate');
      expect(certificate).toMatchObject({ domain_name: config.edge.domainName, subject_alternative_names: [`*.${config.edge.domainName}`], validation_method: 'DNS' });
      const records = resourcesOf(json, 'aws_route53_record').filter((r) => r.for_each !== undefined);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        for_each: expect.stringContaining('domain_validation_options'),
        name: '${each.value.resource_record_name}',
        type: '${each.value.resource_record_type}',
        records: ['${each.value.resource_record_value}'],
        allow_overwrite: true,
      });
      const validation = onlyResource(json, 'aws_acm_certificate_validation');
      expect(validation.certificate_arn).toMatch(/^\$\{aws_acm_certificate\.Certificate_[A-Z0-9]+\.arn\}$/);
      expect(validation.validation_record_fqdns).toContain('aws_route53_record.Certificate_ValidationRecord');
    });

    it(`${config.edge.hostedZone.create ? 'creates' : 'looks up'} the ${config.edge.hostedZone.zoneName} zone`, () => {
      const created = resourcesOf(json, 'aws_route53_zone');
      if (config.edge.hostedZone.create) {
        expect(created.map((z) => z.name)).toEqual([config.edge.hostedZone.zoneName]);
        const delegation = resourcesOf(json, 'aws_route53_record').find((r) => r.type === 'NS');
        expect(delegation).toMatchObject({ name: config.edge.hostedZone.zoneName, records: expect.stringMatching(/aws_route53_zone\.Zone_\w+\.name_servers/) });
        expect(delegation!.zone_id).toMatch(/data\.aws_route53_zone\.Zone_Parent/);
      } else {
        expect(created).toEqual([]);
        expect(onlyDataSource(json, 'aws_route53_zone')).toMatchObject({ name: config.edge.hostedZone.zoneName, private_zone: false });
      }
    });

    it('puts a WAF rate limit of 100 per client IP before the AWS managed rule groups', () => {
      const acl = onlyResource(json, 'aws_wafv2_web_acl');
      expect(acl.scope).toBe('REGIONAL');
      expect(acl.default_action).toEqual({ allow: {} });
      const [rate, ...managed] = acl.rule;
      expect(rate.statement.rate_based_statement).toEqual({ limit: 100, aggregate_key_type: 'IP', evaluation_window_sec: 60 });
      expect(rate.action).toEqual({ block: {} });
      expect(managed.map((r: any) => r.statement.managed_rule_group_statement.name)).toEqual([
        'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet',
      ]);
      expect(onlyResource(json, 'aws_wafv2_web_acl_logging_configuration').redacted_fields).toEqual([
        { single_header: { name: 'authorization' } },
        { single_header: { name: 'cookie' } },
      ]);
    });
  });

  describe('app secrets and IAM', () => {
    it("makes Grafana's generated admin credential, and leaves the third-party secrets to the infrastructure stack, which makes them empty and KMS-encrypted before this stack's first apply", () => {
      expect(resourcesOf(json, 'aws_secretsmanager_secret').map((s) => s.name)).toEqual([`${secretPrefix}/grafana/admin`]);
      // Grafana's password is written write-only: the version's state never holds it.
      for (const version of resourcesOf(json, 'aws_secretsmanager_secret_version')) {
        expect(version.secret_string).toBeUndefined();
        expect(version.secret_string_wo).toBeDefined();
      }
      // A standby makes no third-party containers: it reads the copies its primary keeps in its region.
      const infrastructure = synthEnvironment(config).json;
      const thirdParty = resourcesOf(infrastructure, 'aws_secretsmanager_secret').filter((s) => THIRD_PARTY_SECRETS.some((t) => s.name === `${secretPrefix}/${t.name}`));
      expect(thirdParty.map((s) => s.name).sort()).toEqual(config.standbyFor ? [] : THIRD_PARTY_SECRETS.map((t) => `${secretPrefix}/${t.name}`).sort());
      for (const secret of thirdParty) {
        expect(secret.kms_key_id).toMatch(/aws_kms_key\.AppSecrets_Key/);
        // A primary with a standby keeps a copy of each in the standby's region, under the replica key.
        expect(secret.replica ?? []).toEqual(config.disasterRecovery ? [{ region: config.documents.replicationRegion, kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.SecretsReplicaKey_\w+\.arn\}$/) }] : []);
      }
      // Empty: no version of them is in any stack.
      expect(resourcesOf(infrastructure, 'aws_secretsmanager_secret_version').filter((v) => String(v.secret_id).includes('AppSecrets'))).toEqual([]);
    });

    it('lets the app read and write the documents bucket with its key, query its search domain, sign in to its cache, and nothing else', () => {
      const policy = resourcesOf(json, 'aws_iam_role_policy').find((p) => p.role.includes('AppRole'))!;
      const statements = parsePolicy(policy.policy).Statement;
      const resources = statements.flatMap((s) => [s.Resource].flat());
      expect(resources).toEqual([
        expect.stringMatching(/outputs\.documents_bucket_arn\}$/),
        expect.stringMatching(/outputs\.documents_bucket_arn\}\/\*$/),
        expect.stringMatching(/outputs\.documents_kms_key_arn\}$/),
        expect.stringMatching(/outputs\.opensearch_domain_arn\}\/\*$/),
        expect.stringMatching(/outputs\.cache_replication_group_arn\}$/),
        expect.stringMatching(/outputs\.cache_app_user_arn\}$/),
      ]);
      expect(statements.find((st) => st.Sid === 'ConnectToCacheAsAppUser')!.Action).toBe('elasticache:Connect');
      const actions = statements.flatMap((s) => [s.Action].flat());
      for (const action of actions) expect(action).toMatch(/^(s3|kms):|^es:ESHttp(Get|Head|Post|Put|Delete)$|^elasticache:Connect$/);
      expect(statements[2]!.Condition.StringEquals['kms:ViaService']).toMatch(/^s3\.\$\{data\.aws_region\.\w+\.region\}\.amazonaws\.com$/);
    });
  });

  describe('search access, end to end', () => {
    const appRoleKey = () => Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === `${clusterName}-app`)![0];
    const job = () => resourcesOf(json, 'kubernetes_job_v1').find((j) => j.metadata.name.startsWith('opensearch-security-'))!;

    it('maps the app role to an OpenSearch role, in a job run as the domain\'s master role', () => {
      const files = resourcesOf(json, 'kubernetes_config_map_v1').find((c) => c.metadata.name === 'opensearch-security-config')!.data;
      expect(files['mapping.json']).toBe(`\${jsonencode({"backend_roles" = [aws_iam_role.${appRoleKey()}.arn], "description" = "HexaBid application roles (managed by Terraform)"})}`);
      const role = JSON.parse(files['role.json']);
      expect(role.cluster_permissions).toEqual(['cluster_composite_ops', 'cluster_monitor']);
      expect(role.index_permissions[0].allowed_actions).toEqual(['crud', 'create_index', 'manage']);
      expect(files['apply.sh']).toContain('--aws-sigv4 "aws:amz:$AWS_REGION:es"');
      const association = resourcesOf(json, 'aws_eks_pod_identity_association').find((a) => a.service_account === 'opensearch-security')!;
      expect(association).toMatchObject({ namespace: expect.stringMatching(/SystemNamespace/), role_arn: expect.stringMatching(/outputs\.opensearch_master_role_arn\}$/) });
      expect(job().wait_for_completion).toBe(true);
      expect(job().metadata.name).toMatch(/^opensearch-security-\$\{substr\(sha256\(/);
      const pod = job().spec.template.spec;
      expect(pod).toMatchObject({ service_account_name: 'opensearch-security', restart_policy: 'Never', security_context: { run_as_non_root: true } });
      expect(pod.container[0].image).toBe(config.kubernetes.awsCliImage);
      expect(pod.container[0].env).toContainEqual({ name: 'OPENSEARCH_HOST', value: expect.stringMatching(/outputs\.opensearch_endpoint\}$/) });
    });

    it('lets the master role be assumed by that job, which the domain trusts for its security API', () => {
      const infra = synthEnvironment(config).json;
      const master = resourcesOf(infra, 'aws_iam_role').find((r) => r.name === `${clusterName}-opensearch-master`)!;
      const podTrust = parsePolicy(master.assume_role_policy).Statement.find((s) => s.Principal?.Service === 'pods.eks.amazonaws.com')!;
      expect(podTrust.Condition.StringEquals).toMatchObject({
        'aws:RequestTag/eks-cluster-name': clusterName,
        'aws:RequestTag/kubernetes-namespace': ['hexabid-system'],
        'aws:RequestTag/kubernetes-service-account': ['opensearch-security'],
      });
    });

    it('starts the release only after the mapping, with the settings pods need to sign requests', () => {
      expect(release(json, 'hexabid').depends_on).toContain(`kubernetes_job_v1.${Object.keys(json.resource.kubernetes_job_v1!)[0]}`);
      const sets = Object.fromEntries(release(json, 'hexabid').set.map((s: any) => [s.name, s.value]));
      expect(sets).toMatchObject({ 'search.auth.type': 'aws-sigv4', 'search.auth.region': config.region, 'search.endpoint': expect.stringMatching(/^https:\/\//) });
    });
  });

  describe('the HexaBid release', () => {
    const hexabid = () => release(json, 'hexabid');

    it(`carries exactly ${config.app.valuesFile} as its values, then the environment's domain, secret names and VPC`, () => {
      expect(hexabid().values).toEqual([readFileSync(join(CHART_DIR, config.app.valuesFile), 'utf8'), JSON.stringify(environmentValues(hexabidEnvironmentValues(config)), null, 2)]);
      const environment = hexabidEnvironmentValues(config);
      expect(environment.domainName).toBe(config.edge.domainName);
      // The network policies admit this environment's VPC, whatever region shares its values file.
      expect(environment.vpcCidr).toBe(config.network.vpcCidr);
      // A standby reads its primary's secrets, replicated to its region under the same names.
      for (const name of Object.values(environment.secretNames)) expect(name.startsWith(`${secretNamePrefix(config)}/`), name).toBe(true);
    });

    it('overrides the endpoints, ARNs and service accounts from the infrastructure and this stack', () => {
      const sets = Object.fromEntries(hexabid().set.map((s: any) => [s.name, s.value]));
      const output = (o: string) => expect.stringMatching(new RegExp(`outputs\\.${o}\\b`));
      expect(sets).toEqual({
        'global.imageTag': '${var.image_tag}',
        'database.host': output('db_instance_address'),
        ...(config.database.readReplicas > 0 ? { 'database.readerHost': output('db_replica_addresses') } : {}),
        'redis.host': output('cache_primary_endpoint'),
        'search.endpoint': expect.stringMatching(/^https:\/\/\$\{data\.terraform_remote_state\.\w+\.outputs\.opensearch_endpoint\}$/),
        'storage.bucket': output('documents_bucket_name'),
        'externalSecrets.secretStoreRef.name': 'aws-secrets-manager',
        'ingress.alb.certificateArn': expect.stringMatching(/aws_acm_certificate_validation\.\w+\.certificate_arn/),
        'ingress.alb.wafAclArn': expect.stringMatching(/aws_wafv2_web_acl\.\w+\.arn/),
        'ingress.alb.accessLogs.bucket': output('access_logs_bucket_name'),
        'ingress.alb.accessLogs.prefix': output('alb_access_logs_prefix'),
        'api.serviceAccount.name': 'hexabid-api',
        'worker.serviceAccount.name': 'hexabid-worker',
        'scraper.serviceAccount.name': 'hexabid-scraper',
        'api.image.repository': `${config.app.imageRegistry}/hexabid/api`,
        'worker.image.repository': `${config.app.imageRegistry}/hexabid/worker`,
        'frontend.image.repository': `${config.app.imageRegistry}/hexabid/frontend`,
        'scraper.image.repository': `${config.app.imageRegistry}/hexabid/scraper`,
        'search.auth.type': 'aws-sigv4',
        'search.auth.region': config.region,
        'networkPolicy.monitoringNamespace': 'hexabid-system',
        'redis.auth.type': 'iam',
        'redis.auth.user': output('cache_app_user_name'),
        'redis.auth.replicationGroupId': output('cache_replication_group_id'),
        'redis.auth.region': config.region,
        'metrics.podMonitor.enabled': 'true',
        // Production answers first for its domain, tied to its origin's health check; its standby second.
        ...(snapshots
          ? {
              'ingress.annotations.external-dns\\.alpha\\.kubernetes\\.io/set-identifier': config.region,
              'ingress.annotations.external-dns\\.alpha\\.kubernetes\\.io/aws-failover': config.standbyFor ? 'SECONDARY' : 'PRIMARY',
              'ingress.annotations.external-dns\\.alpha\\.kubernetes\\.io/aws-health-check-id': expect.stringMatching(/^\$\{aws_route53_health_check\.\w+\.id\}$/),
            }
          : {}),
      });
      for (const s of hexabid().set) expect(s.type).toBe(s.name === 'metrics.podMonitor.enabled' ? 'auto' : 'string');
    });

    it('waits, rolls back on failure, times out after 10 minutes and keeps 10 revisions', () => {
      expect(hexabid()).toMatchObject({ wait: true, atomic: true, cleanup_on_fail: true, timeout: 600, max_history: 10, create_namespace: false, namespace: expect.stringMatching(/AppNamespace/) });
    });

    it('ships the chart as an asset under the stack directory, identical to helm/hexabid', () => {
      const chart = hexabid().chart as string;
      expect(chart).toMatch(/^assets\//);
      for (const file of ['Chart.yaml', 'values.yaml', config.app.valuesFile, 'values.schema.json', 'templates/_helpers.tpl']) {
        expect(readFileSync(join(stackDir, chart, file), 'utf8')).toBe(readFileSync(join(CHART_DIR, file), 'utf8'));
      }
    });

    it('installs after the controller, the secret store, metrics-server, external-dns and the app role', () => {
      const dependsOn: string[] = hexabid().depends_on;
      for (const dependency of ['AwsLoadBalancerController_Chart_Release', 'ExternalSecrets_Store_Release', 'MetricsServer_Chart_Release', 'ExternalDns_Chart_Release']) {
        expect(dependsOn).toContainEqual(expect.stringContaining(dependency));
      }
      expect(dependsOn.filter((d) => d.startsWith('aws_eks_pod_identity_association.AppRole'))).toHaveLength(3);
    });

    it(`takes the image tag from the image_tag variable${config.app.requireImageTag ? ', which has no default' : ', empty by default'}`, () => {
      const variable = json.variable!.image_tag;
      expect(variable.type).toBe('string');
      expect(variable.nullable).toBe(false);
      if (config.app.requireImageTag) {
        expect(variable).not.toHaveProperty('default');
        expect(variable.validation).toContainEqual({ condition: '${length(var.image_tag) > 0}', error_message: expect.stringContaining(`image_tag is required for ${name}`) });
      } else {
        expect(variable.default).toBe('');
      }
    });
  });
});

describe('the image tag pattern', () => {
  const pattern = new RegExp(IMAGE_TAG_PATTERN);
  it.each(['1.4.2', 'v2026.11.25', 'sha-0f3c9ab', 'release_7'])('accepts %s', (tag) => expect(pattern.test(tag)).toBe(true));
  it.each(['-rc1', '.hidden', 'a/b', 'tag:1', 'x'.repeat(129)])('rejects %s', (tag) => expect(pattern.test(tag)).toBe(false));

  it('forbids latest in production only', () => {
    const latest = '${var.image_tag != "latest"}';
    for (const config of ENVIRONMENTS) {
      const conditions = synthKubernetesEnvironment(config).json.variable!.image_tag.validation.map((v: any) => v.condition);
      expect(conditions.includes(latest)).toBe(config.isProduction);
    }
  });
});
