import { Construct } from 'constructs';
import { withDefaults } from '../../internal/props.ts';
import { AddonRelease, type HelmChartSource } from './addon-release.ts';
import { addonNamespace, CRITICAL_ADDON_PLACEMENT } from './addon-defaults.ts';

export interface MetricsServerProps {
  readonly chart: HelmChartSource;
  /** @default 'metrics-server' */
  readonly namespace?: string;
}

/** Every default of {@link MetricsServerProps}, applied in one place. */
export const METRICS_SERVER_DEFAULTS = {
  namespace: 'metrics-server',
} as const satisfies Partial<MetricsServerProps>;

/**
 * metrics-server: the resource metrics API the HPAs read. It talks to
 * kubelets only, so it has no AWS role at all.
 */
export class MetricsServer extends Construct {
  readonly namespace: string;
  readonly release: AddonRelease;

  constructor(scope: Construct, id: string, props: MetricsServerProps) {
    super(scope, id);
    const p = withDefaults(props, METRICS_SERVER_DEFAULTS);
    const namespace = addonNamespace(this, p.namespace);
    this.release = new AddonRelease(this, 'Chart', {
      releaseName: 'metrics-server',
      namespace: namespace.namespaceName,
      chart: p.chart,
      values: {
        // Two replicas so an HPA never loses its metrics during a node drain.
        replicas: 2,
        // The chart's default requests, stated so the sizing does not hang on a chart upgrade; and a memory ceiling.
        resources: { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '400Mi' } },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        ...CRITICAL_ADDON_PLACEMENT,
      },
    });
    this.namespace = namespace.namespaceName;
  }
}
