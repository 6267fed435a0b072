/** Kubernetes quantities the config schema already validated, as numbers for the charts' arithmetic. */
import { parseBytes, parseMillicores } from "../../src/config/quantity";

/** Bytes in a quantity the config schema validated as a byte quantity. */
export function quantityBytes(q: string): number {
  const bytes = parseBytes(q);
  if (bytes === undefined) throw new Error(`${q} is not a byte quantity (config validation should have caught it)`);
  return bytes;
}

/** Millicores in a quantity the config schema validated as a CPU quantity. */
export function quantityMillicores(q: string): number {
  const millicores = parseMillicores(q);
  if (millicores === undefined) throw new Error(`${q} is not a CPU quantity (config validation should have caught it)`);
  return millicores;
}
