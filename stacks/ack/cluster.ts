/** What the stack needs from either cluster type (managed or dedicated). */

export interface AckCluster {
  /** Cluster id (Terraform expression). */
  readonly id: string;
  /** Public API server endpoint when `publicEndpoint`, else the VPC-internal one. */
  apiServer(publicEndpoint: boolean): string;
}

/** Both cluster resources export their endpoints in the computed `connections` map. */
export function apiServerEndpoint(connections: { lookup(key: string): string }, publicEndpoint: boolean): string {
  return connections.lookup(publicEndpoint ? "api_server_internet" : "api_server_intranet");
}
