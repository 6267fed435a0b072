/** Paths other parts of the system rely on (the chart's probes, oauth2-proxy's upstream). */

/** Answers without sign-in: the kubelet's probes do not pass through oauth2-proxy. */
export const HEALTH_PATH = "/api/health";

/** Paths the identity gate (proxy.ts) lets through without oauth2-proxy's headers. */
export const PUBLIC_PATHS: readonly string[] = [HEALTH_PATH];

/** Where a job's output zip is served. */
export function downloadPath(jobId: string): string {
  return `/job/${jobId}/download`;
}
