import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, TerraformAsset, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { withDefaults } from '../../internal/props.ts';
import { releaseSemantics } from '../../internal/release-semantics.ts';

/** A chart in a repository, pinned to one exact version. */
export interface HelmChartSource {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

/** Values for a chart: plain data, with Terraform references allowed inside strings. */
export type HelmValues = { readonly [key: string]: HelmValue };
export type HelmValue = string | number | boolean | null | readonly HelmValue[] | HelmValues;

export interface AddonReleaseProps {
  readonly releaseName: string;
  readonly namespace: string;
  /**
   * The chart: pinned in a repository, or a local directory that ships with
   * the stack as an asset (so the plan changes when the chart does).
   */
  readonly chart: HelmChartSource | { readonly directory: string };
  readonly values?: HelmValues;
  /**
   * Seconds Helm waits for every resource to be ready before it rolls back.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /** @default 10 */
  readonly maxHistory?: number;
  /** @default [] */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Every default of {@link AddonReleaseProps}, applied in one place. */
export const ADDON_RELEASE_DEFAULTS = {
  timeoutSeconds: 600,
  maxHistory: 10,
  values: {},
  dependsOn: [],
} as const satisfies Partial<AddonReleaseProps>;

/** A platform add-on's Helm release, with the shared release semantics. */
export class AddonRelease extends Construct implements ITerraformDependable {
  readonly release: Release;
  readonly releaseName: string;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: AddonReleaseProps) {
    super(scope, id);
    const p = withDefaults(props, ADDON_RELEASE_DEFAULTS);
    const source =
      'directory' in p.chart
        ? { chart: new TerraformAsset(this, 'ChartAsset', { path: p.chart.directory, type: AssetType.DIRECTORY }).path }
        : { repository: p.chart.repository, chart: p.chart.chart, version: p.chart.version };
    this.release = new Release(this, 'Release', {
      name: p.releaseName,
      namespace: p.namespace,
      ...source,
      // JSON is YAML; the chart sees exactly these values.
      values: Object.keys(p.values).length > 0 ? [JSON.stringify(p.values, null, 2)] : undefined,
      ...releaseSemantics(p),
      dependsOn: p.dependsOn.length > 0 ? [...p.dependsOn] : undefined,
    });
    this.releaseName = p.releaseName;
    this.namespace = p.namespace;
  }

  /** Depending on the add-on means depending on its release having succeeded. */
  get fqn(): string {
    return this.release.fqn;
  }
}
