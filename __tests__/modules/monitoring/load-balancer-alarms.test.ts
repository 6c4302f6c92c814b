import { describe, expect, it } from 'vitest';
import { ALARM_THRESHOLDS } from '../../../environments/common.ts';
import { LoadBalancerAlarms, type LoadBalancerAlarmsProps } from '../../../modules/monitoring/load-balancer-alarms.ts';
import { runbookAnchorOf } from '../../../content/monitoring/runbook-sections.ts';
import { resourcesOf, synthConstruct } from '../../helpers/synth.ts';

const topics = { critical: 'arn:aws:sns:ap-south-1:123456789012:t-alerts-critical', warning: 'arn:aws:sns:ap-south-1:123456789012:t-alerts-warning' };
const PROPS: LoadBalancerAlarmsProps = {
  namePrefix: 'hexabid-test-alb',
  loadBalancerArnSuffix: 'app/k8s-hexabid-abc/0123456789abcdef',
  topics,
  thresholds: ALARM_THRESHOLDS,
};

function alarms(props: Partial<LoadBalancerAlarmsProps> = {}) {
  let names: readonly string[] = [];
  const json = synthConstruct((scope) => {
    names = new LoadBalancerAlarms(scope, 'Alb', { ...PROPS, ...props }).alarmNames;
  });
  return { alarms: resourcesOf(json, 'aws_cloudwatch_metric_alarm'), names };
}

describe('LoadBalancerAlarms', () => {
  it('alarms on the ALB\'s own 5xx (critical), the targets\' 5xx and p95 latency (warning), on the LoadBalancer dimension', () => {
    const { alarms: all, names } = alarms();
    const rows = Object.fromEntries(
      all.map((a) => [
        a.alarm_name,
        [a.metric_name, a.statistic ?? a.extended_statistic, a.period, a.evaluation_periods, a.threshold, a.alarm_actions[0] === topics.critical ? 'critical' : 'warning'],
      ]),
    );
    expect(rows).toEqual({
      'hexabid-test-alb-elb-5xx': ['HTTPCode_ELB_5XX_Count', 'Sum', 300, 1, 50, 'critical'],
      'hexabid-test-alb-target-5xx': ['HTTPCode_Target_5XX_Count', 'Sum', 300, 1, 50, 'warning'],
      'hexabid-test-alb-target-response-time-high': ['TargetResponseTime', 'p95', 300, 3, 1, 'warning'],
    });
    expect([...names].sort()).toEqual(Object.keys(rows).sort());
    for (const alarm of all) {
      expect(alarm).toMatchObject({ namespace: 'AWS/ApplicationELB', dimensions: { LoadBalancer: PROPS.loadBalancerArnSuffix }, treat_missing_data: 'notBreaching' });
      expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
      expect(runbookAnchorOf(alarm.alarm_description.split('Runbook: ')[1])).toBeDefined();
    }
    expect(all.find((a) => a.metric_name === 'TargetResponseTime')!.evaluate_low_sample_count_percentiles).toBe('ignore');
  });

  it('takes its thresholds from props', () => {
    const { alarms: all } = alarms({ thresholds: { loadBalancer5xxPer5Minutes: 7, targetResponseTimeSeconds: 0.5 } });
    expect(all.map((a) => a.threshold).sort()).toEqual([0.5, 7, 7]);
  });

  it('refuses thresholds that cannot be met', () => {
    expect(() => alarms({ thresholds: { loadBalancer5xxPer5Minutes: 0, targetResponseTimeSeconds: 1 } })).toThrow('LoadBalancerAlarms Alb: loadBalancer5xxPer5Minutes must be more than 0');
    expect(() => alarms({ thresholds: { loadBalancer5xxPer5Minutes: 1, targetResponseTimeSeconds: 61 } })).toThrow('targetResponseTimeSeconds must be more than 0 and at most 60');
  });
});
