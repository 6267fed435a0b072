/**
 * Kubernetes quantities the config accepts, in the two kinds the charts compute with: bytes
 * (memory, storage) and CPU. Parsing returns undefined for the wrong kind, so the schema can say
 * which field is wrong before anything is synthesized.
 */

const BINARY: Readonly<Record<string, number>> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes in a quantity such as 256Mi or 10Gi; undefined if it is not a byte quantity. */
export function parseBytes(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(q);
  return m ? Math.floor(Number(m[1]) * BINARY[m[2] ?? ""]!) : undefined;
}

/** Millicores in a CPU quantity such as 500m or 2; undefined if it is not a CPU quantity. */
export function parseMillicores(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(q);
  return m ? Math.round(m[2] ? Number(m[1]) : Number(m[1]) * 1000) : undefined;
}
