import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { onlyResource, resourcesOf, synthEnvironment } from '../helpers/synth.ts';
import { expectKubernetesLayer } from './kubernetes-layer.ts';
import { expectSizing } from './sizing.ts';
import { toSchedulerCron } from '../../lib/cron.ts';

describe('dev', () => {
  const { json } = synthEnvironment(dev);

  it("runs the design's 2 × t3.medium app nodes at 32 pods each and no other group, db.t4g.small, cache.t4g.micro and one small search node", () => {
    expectSizing(json, {
      nodeGroups: {
        app: { instanceTypes: ['t3.medium'], min: 2, max: 3, desired: 2, capacity: 'ON_DEMAND', maxPods: 32 },
      },
      dbInstanceClass: 'db.t4g.small',
      dbMultiAz: false,
      dbReplicas: 0,
      cacheNodeType: 'cache.t4g.micro',
      searchInstanceType: 't3.small.search',
      searchInstanceCount: 1,
    });
  });

  it('stops every node out of hours and brings each group back to its own sizes', () => {
    const schedules = resourcesOf(json, 'aws_autoscaling_schedule');
    const groups = resourcesOf(json, 'aws_eks_node_group');
    expect(schedules).toHaveLength(2 * groups.length);
    for (const group of groups) {
      const name = group.node_group_name;
      const mine = schedules.filter((s) => s.scheduled_action_name.endsWith(`-${name}-off-hours`) || s.scheduled_action_name.endsWith(`-${name}-working-hours`));
      expect(mine.map((s) => s.autoscaling_group_name)).toEqual(Array(2).fill(expect.stringMatching(/^\$\{aws_eks_node_group\.[^.]+\.resources\[0\]\.autoscaling_groups\[0\]\.name\}$/)));
      const off = mine.find((s) => s.scheduled_action_name.endsWith('off-hours'))!;
      const on = mine.find((s) => s.scheduled_action_name.endsWith('working-hours'))!;
      expect(off).toMatchObject({ recurrence: dev.cluster.offHours!.scaleDown, time_zone: 'Asia/Kolkata', min_size: 0, max_size: 0, desired_capacity: 0 });
      expect(on).toMatchObject({ recurrence: dev.cluster.offHours!.scaleUp, min_size: group.scaling_config.min_size, max_size: group.scaling_config.max_size, desired_capacity: group.scaling_config.desired_size });
    }
  });

  it('stops its database with the nodes, and rotates its credentials inside working hours', () => {
    const schedules = resourcesOf(json, 'aws_scheduler_schedule');
    const byAction = Object.fromEntries(schedules.map((s) => [s.target.arn.replace(/^.*:rds:/, ''), s]));
    expect(Object.keys(byAction).sort()).toEqual(['startDBInstance', 'stopDBInstance']);
    expect(byAction.stopDBInstance).toMatchObject({ schedule_expression: toSchedulerCron(dev.cluster.offHours!.scaleDown), schedule_expression_timezone: dev.cluster.offHours!.timeZone });
    expect(byAction.startDBInstance).toMatchObject({ schedule_expression: toSchedulerCron(dev.cluster.offHours!.scaleUp), schedule_expression_timezone: dev.cluster.offHours!.timeZone });
    for (const s of schedules) expect(JSON.parse(s.target.input)).toEqual({ DbInstanceIdentifier: onlyResource(json, 'aws_db_instance').identifier });
    // Monday 09:00-11:00 in India, the first of each month: an hour after the database starts.
    const rotations = resourcesOf(json, 'aws_secretsmanager_secret_rotation');
    expect(rotations.length).toBeGreaterThan(0);
    for (const r of rotations) expect(r.rotation_rules).toEqual({ schedule_expression: 'cron(30 3 ? * 2#1 *)', duration: '2h' });
  });

  it('saves money where durability matters less', () => {
    // A NAT instance, not a NAT gateway: every private route table sends the internet to its interface.
    expect(resourcesOf(json, 'aws_nat_gateway')).toEqual([]);
    const nat = onlyResource(json, 'aws_instance');
    expect(nat).toMatchObject({ instance_type: 't4g.nano', source_dest_check: false, metadata_options: { http_tokens: 'required' }, root_block_device: { encrypted: true } });
    const internet = resourcesOf(json, 'aws_route').filter((r) => r.destination_cidr_block === '0.0.0.0/0' && r.network_interface_id);
    expect(internet).toHaveLength(3);
    for (const route of internet) expect(route.network_interface_id).toMatch(/^\$\{aws_instance\.[^.]+\.primary_network_interface_id\}$/);
    // The Secrets Manager endpoint in one zone of three.
    expect(resourcesOf(json, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface').map((e) => e.subnet_ids.length)).toEqual([1]);
    expect(onlyResource(json, 'aws_opensearch_domain').cluster_config.zone_awareness_enabled).toBe(false);
    expect(resourcesOf(json, 'aws_s3_bucket').every((b) => b.force_destroy === true)).toBe(true);
    expect(resourcesOf(json, 'aws_secretsmanager_secret').every((s) => s.recovery_window_in_days === 0)).toBe(true);
  });

  it('has its own /16', () => {
    expect(onlyResource(json, 'aws_vpc').cidr_block).toBe('10.2.0.0/16');
  });

  it('serves dev.hexabid.in from its zone, which the non-production bootstrap creates, and deploys without an image tag unless given one', () => {
    expectKubernetesLayer(dev, { domainName: 'dev.hexabid.in', zoneName: 'dev.hexabid.in', requiresImageTag: false });
  });
});
