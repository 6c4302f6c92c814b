import { Construct } from 'constructs';
import { AddonRelease, type HelmChartSource } from './addon-release.ts';
import { addonNamespace, CRITICAL_ADDON_PLACEMENT } from './addon-defaults.ts';

export interface MetricsServerProps {
  readonly chart: HelmChartSource;
  /** @default 'metrics-server' */
  readonly namespace?: string;
}

/**
 * metrics-server: the resource metrics API the HPAs read. It talks to
 * kubelets only, so it has no AWS role at all.
 */
export class MetricsServer extends Construct {
  readonly namespace: string;
  readonly release: AddonRelease;

  constructor(scope: Construct, id: string, props: MetricsServerProps) {
    super(scope, id);
    const namespace = addonNamespace(this, props.namespace ?? 'metrics-server');
    this.release = new AddonRelease(this, 'Chart', {
      releaseName: 'metrics-server',
      namespace: namespace.namespaceName,
      chart: props.chart,
      values: {
        // Two replicas so an HPA never loses its metrics during a node drain.
        replicas: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        ...CRITICAL_ADDON_PLACEMENT,
      },
    });
    this.namespace = namespace.namespaceName;
  }
}
