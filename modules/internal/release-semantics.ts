/**
 * How every Helm release here behaves, as the design's deploy did: wait for
 * readiness, roll back on failure (atomic), clean up a failed upgrade, keep a
 * bounded history, and lint the chart at plan time. Namespaces are Terraform's.
 */
export function releaseSemantics(options: { timeoutSeconds: number; maxHistory: number }) {
  return {
    createNamespace: false,
    wait: true,
    waitForJobs: true,
    atomic: true,
    cleanupOnFail: true,
    timeout: options.timeoutSeconds,
    maxHistory: options.maxHistory,
    lint: true,
  } as const;
}
