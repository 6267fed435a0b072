/** Paths other parts of the system rely on (the chart's probes, oauth2-proxy's upstream): the contract's. */
import { API_PATHS } from "../../contract/http";

/** Paths the identity gate (proxy.ts) lets through without oauth2-proxy's headers: the health endpoint the kubelet's probes call. */
export const PUBLIC_PATHS: readonly string[] = [API_PATHS.health];
