/**
 * The CloudWatch Logs Insights queries saved next to the container log groups.
 * Private to {@link ContainerLogs}: it decides which groups each query reads.
 *
 * Every record Fluent Bit ships is one JSON object:
 * - `kubernetes.*`: namespace_name, pod_name, container_name, docker_id
 *   (the container's id, new at every restart), host, labels.*
 * - `stream`: stdout or stderr
 * - `log`: the line as written, kept only when it is not JSON
 * - `data.*`: a JSON line's own fields, parsed by the kubernetes filter
 *   (`Merge_Log On`, `Merge_Log_Key data`)
 *
 * The app's fields below assume pino and pino-http (the app is Node, with
 * `LOG_LEVEL`): numeric `level` (50 error, 60 fatal), `msg`, `req.method`,
 * `req.url`, `res.statusCode`, `responseTime` in milliseconds. Each HexaBid
 * container is named after its component (api, worker, frontend, scraper).
 */

/** The app's JSON fields, as Logs Insights names them; one place to change if the logger differs. */
const APP = {
  level: 'data.level',
  message: 'data.msg',
  method: 'data.req.method',
  url: 'data.req.url',
  status: 'data.res.statusCode',
  durationMs: 'data.responseTime',
} as const;

/** What a query reads: the app namespace's group, or kube-system's. */
export type QueryScope = 'app' | 'kubeSystem';

export interface ContainerLogQuery {
  /** Last part of the saved query's name. */
  readonly name: string;
  readonly scope: QueryScope;
  readonly queryString: string;
}

/** The saved queries, keyed by what they answer. */
export const CONTAINER_LOG_QUERIES = {
  appErrorsByComponent: {
    name: 'app-errors-by-component',
    scope: 'app',
    queryString: [
      `fields kubernetes.container_name as component, ${APP.level} as level`,
      `| filter level >= 50 or level in ["error", "fatal"] or (stream = "stderr" and not ispresent(level))`,
      '| stats count(*) as errors, latest(@timestamp) as last_seen by component',
      '| sort errors desc',
    ].join('\n'),
  },
  slowestRequests: {
    name: 'app-slowest-requests',
    scope: 'app',
    queryString: [
      `fields @timestamp, kubernetes.container_name as component, kubernetes.pod_name as pod, ${APP.method} as method, ${APP.url} as url, ${APP.status} as status, ${APP.durationMs} as duration_ms`,
      '| filter ispresent(duration_ms)',
      '| sort duration_ms desc',
      '| limit 50',
    ].join('\n'),
  },
  serverErrorsByRoute: {
    name: 'app-5xx-by-route',
    scope: 'app',
    queryString: [
      `fields kubernetes.container_name as component, ${APP.method} as method, ${APP.status} as status`,
      '| filter status >= 500',
      // The path without its query string, so one route is one row.
      `| parse ${APP.url} /^(?<route>[^?]*)/`,
      '| stats count(*) as responses, latest(@timestamp) as last_seen by component, method, route, status',
      '| sort responses desc',
      '| limit 50',
    ].join('\n'),
  },
  kubeSystemErrorsAndRestarts: {
    name: 'kube-system-errors-and-restarts',
    scope: 'kubeSystem',
    queryString: [
      // More than one container id for a pod's container in the window means it restarted.
      'fields kubernetes.pod_name as pod, kubernetes.container_name as container, kubernetes.docker_id as container_id',
      '| filter @message like /(?i)(error|fail|denied|refused|timeout|oomkill|backoff|panic)/',
      '| stats count(*) as error_lines, count_distinct(container_id) as containers, latest(@timestamp) as last_seen by pod, container',
      '| sort last_seen desc',
      '| limit 100',
    ].join('\n'),
  },
} as const satisfies Record<string, ContainerLogQuery>;

export type ContainerLogQueryKey = keyof typeof CONTAINER_LOG_QUERIES;

/** The namespace whose group a scope reads. */
export const KUBE_SYSTEM_NAMESPACE = 'kube-system';
