/** HexaBid / Business Metrics: tenders ingested, BOQs generated, documents assembled. */
import { finalize, hexabidDashboard, prom, promVariable, row, statPanel, timeseriesPanel, type DashboardJson } from './common.ts';

export const BUSINESS_METRICS_UID = 'hexabid-business-metrics';
export const BUSINESS_METRICS_TITLE = 'HexaBid / Business Metrics';

const SEL = 'namespace=~"$namespace", tenant=~"$tenant"';
const TENDERS = `hexabid_tenders_ingested_total{${SEL}}`;
const BOQS = `hexabid_boqs_generated_total{${SEL}}`;
const DOCUMENTS = `hexabid_documents_assembled_total{${SEL}}`;

export function buildBusinessMetrics(): DashboardJson {
  const b = hexabidDashboard(
    BUSINESS_METRICS_UID,
    BUSINESS_METRICS_TITLE,
    'What the product does for tenants: tenders ingested, bills of quantities generated, documents assembled.',
    ['business'],
  )
    .time({ from: 'now-7d', to: 'now' })
    .withVariable(promVariable('namespace', 'Namespace', 'label_values(hexabid_boqs_generated_total, namespace)'))
    .withVariable(promVariable('tenant', 'Tenant', 'label_values(hexabid_boqs_generated_total{namespace=~"$namespace"}, tenant)'))

    .withRow(row('Totals over the selected range'))
    .withPanel(
      statPanel({
        title: 'Tenders ingested',
        description: 'New tenders stored over the dashboard range.',
        unit: 'short',
        width: 8,
        queries: [prom(`sum(increase(${TENDERS}[$__range]))`)],
      }),
    )
    .withPanel(
      statPanel({
        title: 'BOQs generated',
        description: 'Bills of quantities generated over the dashboard range.',
        unit: 'short',
        width: 8,
        queries: [prom(`sum(increase(${BOQS}[$__range]))`)],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Documents assembled',
        description: 'Documents assembled over the dashboard range.',
        unit: 'short',
        width: 8,
        queries: [prom(`sum(increase(${DOCUMENTS}[$__range]))`)],
      }),
    )

    .withRow(row('Tenders'))
    .withPanel(
      timeseriesPanel({
        title: 'Tenders ingested per hour by source',
        description: 'New tenders stored in the past hour, per tender portal.',
        unit: 'short',
        stacked: true,
        queries: [prom(`sum by (source) (increase(${TENDERS}[1h]))`, '{{source}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Tenders ingested per hour, top tenants',
        description: 'The ten tenants with the most new tenders in the past hour.',
        unit: 'short',
        queries: [prom(`topk(10, sum by (tenant) (increase(${TENDERS}[1h])))`, '{{tenant}}')],
      }),
    )

    .withRow(row('Bills of quantities'))
    .withPanel(
      timeseriesPanel({
        title: 'BOQs generated per hour',
        description: 'Bills of quantities generated in the past hour, all selected tenants.',
        unit: 'short',
        queries: [prom(`sum(increase(${BOQS}[1h]))`, 'BOQs')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'BOQs generated per hour, top tenants',
        description: 'The ten tenants generating the most bills of quantities in the past hour.',
        unit: 'short',
        queries: [prom(`topk(10, sum by (tenant) (increase(${BOQS}[1h])))`, '{{tenant}}')],
      }),
    )

    .withRow(row('Documents'))
    .withPanel(
      timeseriesPanel({
        title: 'Documents assembled per hour by template',
        description: 'Documents assembled in the past hour, per template.',
        unit: 'short',
        stacked: true,
        queries: [prom(`sum by (template) (increase(${DOCUMENTS}[1h]))`, '{{template}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Documents assembled per hour, top tenants',
        description: 'The ten tenants assembling the most documents in the past hour.',
        unit: 'short',
        queries: [prom(`topk(10, sum by (tenant) (increase(${DOCUMENTS}[1h])))`, '{{tenant}}')],
      }),
    );
  return finalize(b);
}
