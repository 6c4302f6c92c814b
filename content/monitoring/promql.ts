/**
 * PromQL checks with the official grammar (@prometheus-io/lezer-promql):
 * syntax errors and the metric names an expression selects.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's interval variables, which only Grafana expands; a stand-in duration replaces them before parsing. */
const GRAFANA_DURATION_VARIABLE = /\$(?:__rate_interval|__interval|__range)\b|\$\{(?:__rate_interval|__interval|__range)\}/g;

/**
 * The expression with Grafana's interval variables replaced by `5m`.
 * Dashboard variables (`$namespace`) only appear inside label-matcher
 * strings, where the grammar takes any text; one anywhere else stays and
 * fails the parse, as it should.
 */
export function withGrafanaVariablesExpanded(expr: string): string {
  return expr.replace(GRAFANA_DURATION_VARIABLE, '5m');
}

export interface PromQLAnalysis {
  /** The source text of each error node (empty when the expression parses). */
  readonly errors: string[];
  /** Metric names the expression selects, deduplicated, in order of appearance. */
  readonly metricNames: string[];
}

export function analysePromQL(expr: string): PromQLAnalysis {
  const text = withGrafanaVariablesExpanded(expr);
  const tree = parser.parse(text);
  const errors: string[] = [];
  const names = new Set<string>();
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        errors.push(`at ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 20), node.to + 20))}`);
        return;
      }
      const parent = node.node.parent?.type.name;
      if (node.type.name === 'Identifier' && (parent === 'VectorSelector' || parent === 'MetricName')) {
        names.add(text.slice(node.from, node.to));
      }
      // {__name__="metric"} selects by name too.
      if (node.type.name === 'LabelName' && text.slice(node.from, node.to) === '__name__') {
        const value = node.node.parent?.getChild('StringLiteral');
        if (value) names.add(text.slice(value.from + 1, value.to - 1));
      }
    },
  });
  if (text.trim() === '') errors.push('empty expression');
  return { errors, metricNames: [...names] };
}

/**
 * The PromQL inside a Grafana Prometheus variable query:
 * `label_values(<selector>, <label>)` gives the selector, `query_result(<expr>)`
 * the expression; `label_values(<label>)` and `label_names()` hold none.
 */
export function promqlOfVariableQuery(query: string): string | undefined {
  const labelValues = /^\s*label_values\(\s*(.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  if (labelValues) return labelValues[1];
  const queryResult = /^\s*query_result\(\s*(.+)\)\s*$/s.exec(query);
  if (queryResult) return queryResult[1];
  return undefined;
}
