import { describe, expect, it } from 'vitest';
import { InvalidPropsError } from '../../../modules/invalid-props-error.ts';
import {
  MANAGE_SNAPSHOTS_ROLE,
  SearchRoleMapping,
  type SearchRoleMappingProps,
  SNAPSHOT_MONITOR_ROLE,
} from '../../../modules/kubernetes/search-role-mapping.ts';
import { onlyResource, synthConstruct, type TfJson } from '../../helpers/synth.ts';

const APP_ROLE = 'arn:aws:iam::123456789012:role/hexabid-test-app';
const SNAPSHOT_ROLE = 'arn:aws:iam::123456789012:role/hexabid-test-search-snapshots';

const PROPS: SearchRoleMappingProps = {
  clusterName: 'hexabid-test',
  namespace: 'hexabid-system',
  domainEndpoint: 'vpc-hexabid-test.ap-south-1.es.amazonaws.com',
  region: 'ap-south-1',
  masterRoleArn: 'arn:aws:iam::123456789012:role/hexabid-test-opensearch-master',
  backendRoleArns: [APP_ROLE],
  image: 'public.ecr.aws/aws-cli/aws-cli:2.36.7',
};

const synth = (props: Partial<SearchRoleMappingProps> = {}): TfJson => synthConstruct((scope) => new SearchRoleMapping(scope, 'Mapping', { ...PROPS, ...props }));
const files = (json: TfJson): Record<string, string> => onlyResource(json, 'kubernetes_config_map_v1').data;
const jobName = (json: TfJson): string => onlyResource(json, 'kubernetes_job_v1').metadata.name;

describe('SearchRoleMapping', () => {
  const plain = synth();

  it("maps the app's roles, and writes nothing about snapshots without snapshotRoleArns", () => {
    expect(Object.keys(files(plain)).sort()).toEqual(['apply.sh', 'mapping.json', 'role.json']);
    expect(files(plain)['apply.sh']).not.toMatch(/snapshot/);
    expect(files(plain)['apply.sh'].trim().split('\n').slice(-2)).toEqual(['put "roles/$ROLE_NAME" role.json', 'put "rolesmapping/$ROLE_NAME" mapping.json']);
    expect(files(plain)['mapping.json']).toBe(`\${jsonencode({"backend_roles" = ["${APP_ROLE}"], "description" = "HexaBid application roles (managed by Terraform)"})}`);
    expect(synth({ snapshotRoleArns: [] })).toEqual(plain);
  });

  describe('with snapshotRoleArns', () => {
    const json = synth({ snapshotRoleArns: [SNAPSHOT_ROLE] });
    const data = files(json);

    it('maps them to manage_snapshots, which registering a repository requires', () => {
      expect(MANAGE_SNAPSHOTS_ROLE).toBe('manage_snapshots');
      expect(data['apply.sh']).toContain('put "rolesmapping/manage_snapshots" snapshot-mapping.json');
      expect(data['snapshot-mapping.json']).toBe(`\${jsonencode({"backend_roles" = ["${SNAPSHOT_ROLE}"], "description" = "HexaBid snapshot roles (managed by Terraform)"})}`);
      // The app's mapping is untouched.
      expect(data['mapping.json']).toBe(files(plain)['mapping.json']);
    });

    it('and to a role that reads cluster health and nothing else, for a restore to wait on', () => {
      expect(data['apply.sh']).toContain(`put "roles/${SNAPSHOT_MONITOR_ROLE}" snapshot-monitor-role.json`);
      expect(data['apply.sh']).toContain(`put "rolesmapping/${SNAPSHOT_MONITOR_ROLE}" snapshot-mapping.json`);
      const role = JSON.parse(data['snapshot-monitor-role.json']!);
      expect(role.cluster_permissions).toEqual(['cluster:monitor/health']);
      expect(role.index_permissions).toBeUndefined();
    });

    it('lets a restoring role also read index health and hold back index auto-creation, and only it', () => {
      const role = JSON.parse(files(synth({ snapshotRoleArns: [SNAPSHOT_ROLE], snapshotRolesRestore: true }))['snapshot-monitor-role.json']!);
      expect(role.cluster_permissions).toEqual(['cluster:monitor/health', 'cluster:admin/settings/update']);
      expect(role.index_permissions).toEqual([{ index_patterns: ['*'], allowed_actions: ['indices:monitor/*'] }]);
    });

    it('writes the app role first, and runs the job again', () => {
      const lines = data['apply.sh']!.trim().split('\n');
      expect(lines.indexOf('put "rolesmapping/$ROLE_NAME" mapping.json')).toBeLessThan(lines.indexOf('put "rolesmapping/manage_snapshots" snapshot-mapping.json'));
      expect(jobName(json)).not.toBe(jobName(plain));
      expect(jobName(json)).toContain(SNAPSHOT_ROLE);
    });

    it("refuses an app roleName that is one of the snapshot roles, naming both props", () => {
      const build = () => synth({ snapshotRoleArns: [SNAPSHOT_ROLE], roleName: 'manage_snapshots' });
      expect(build).toThrow(InvalidPropsError);
      expect(build).toThrow('SearchRoleMapping Mapping: roleName "manage_snapshots" conflicts with snapshotRoleArns');
    });
  });
});
