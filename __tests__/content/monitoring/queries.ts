/**
 * Every query of the dashboards and alert rules, found generically: panels
 * (rows included) → targets whose data source (the target's, else the
 * panel's) has the Prometheus uid → `expr`; template variables of the
 * Prometheus data source → their PromQL; alert rules → `expr`.
 */
import { allAlertRules, buildAlertRules } from '../../../content/monitoring/alerts/index.ts';
import { DASHBOARDS, PROMETHEUS_DATASOURCE_UID } from '../../../content/monitoring/dashboards/index.ts';
import { promqlOfVariableQuery } from '../../../content/monitoring/promql.ts';

export interface FoundQuery {
  readonly where: string;
  readonly expr: string;
}

interface Ref {
  uid?: string;
}
export interface JsonPanel {
  type?: string;
  title?: string;
  datasource?: Ref;
  targets?: (Record<string, unknown> & { datasource?: Ref })[];
  panels?: JsonPanel[];
}

/** Every panel of a dashboard, rows' nested panels included. */
export function panelsOf(dashboard: { panels?: unknown[] }): JsonPanel[] {
  const out: JsonPanel[] = [];
  const visit = (panels: JsonPanel[] | undefined): void => {
    for (const p of panels ?? []) {
      out.push(p);
      visit(p.panels);
    }
  };
  visit(dashboard.panels as JsonPanel[] | undefined);
  return out;
}

export function dashboardQueries(): FoundQuery[] {
  const found: FoundQuery[] = [];
  for (const d of DASHBOARDS) {
    const json = d.build() as { panels?: unknown[]; templating?: { list?: { name: string; query?: unknown; datasource?: Ref }[] } };
    for (const panel of panelsOf(json)) {
      for (const target of panel.targets ?? []) {
        const uid = target.datasource?.uid ?? panel.datasource?.uid;
        if (uid !== PROMETHEUS_DATASOURCE_UID) continue;
        found.push({ where: `${d.title} / ${panel.title} / ${String(target.refId)}`, expr: String(target.expr ?? '') });
      }
    }
    for (const variable of json.templating?.list ?? []) {
      if (variable.datasource?.uid !== PROMETHEUS_DATASOURCE_UID || typeof variable.query !== 'string') continue;
      const expr = promqlOfVariableQuery(variable.query);
      if (expr !== undefined) found.push({ where: `${d.title} / $${variable.name}`, expr });
    }
  }
  return found;
}

export function ruleQueries(): FoundQuery[] {
  return allAlertRules(buildAlertRules()).map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
}
