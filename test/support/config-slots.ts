/**
 * Walks the environment model's zod schema to find every place a string can go (field values,
 * list elements, record keys and values), over "rich" sample configs in which every optional
 * field is set and every list and record has an element. The injection and fuzz tests use it to
 * put hostile values into every string field the schema has, including ones added later.
 */
import { defaultConfigs } from "../../src/config/defaults";
import { type AckConfig, ENVIRONMENT_SCHEMAS, type EnvironmentName } from "../../src/config/schema";

/** A segment of a path into config data: a field name, a list index, or a record key (`KEY`). */
export type Segment = string | number | typeof KEY;
export const KEY = Symbol("record key");

export interface Slot {
  /** Where the string lives; a trailing `KEY` segment pair ([..., KEY, name]) means the key `name` itself. */
  readonly path: readonly Segment[];
  /** Schema-level name of the slot ("nodePool.labels{key}", "workers[].name"), the same for every sample. */
  readonly field: string;
}

interface ZodLike {
  readonly _zod: { readonly def: Record<string, unknown> & { readonly type: string } };
}

const SSH_RSA =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCToy0myQiBo0+C0lqkUERNR8nCmpZT5+HZvo4QwKSNRhtPUuyYvul34Mx8pBM7SZKc8PsIF5SuXykSic2GJVBkMTD0UoaJdQKX5lov6u8e9cBVBPHT1d25hnss9SRexDByoRP7YK5gg0YT3hTh0C/qPIPCJ5mw2fHsNUKKzNyaGT9QOQeXA9UA0DES4HzZFsI4CzUMCfp49M2MJHjQUxQhMIGeKlWePh2pWEoig/UR9D1dOU5DpW1j9sEl4b5FrRkSVRjqmFi4OS7mDt0r+JnELnAZ5Cq4kDPbz2iQZh8i+TsRNUwNn8Om1M81tEUfSdO12SouWqXdk4VYDGcwkiRJ ops";

const OSS_BACKEND = {
  type: "oss",
  bucket: "clusterkit-state",
  prefix: "env/ack",
  key: "terraform.tfstate",
  region: "eu-central-1",
  endpoint: "oss-eu-central-1.aliyuncs.com",
  tablestoreEndpoint: "https://ck.eu-central-1.ots.aliyuncs.com",
  tablestoreTable: "tf_lock",
};

/** Sample configs (full, valid) per environment with every optional field set and no empty list or record. */
function richConfigs(env: EnvironmentName): Record<string, unknown>[] {
  const defaults = defaultConfigs();
  const faas = (f: typeof defaults.local.faas) => ({
    ...f,
    oauth2Proxy: { ...f.oauth2Proxy, provider: "oidc", oidcIssuerUrl: "https://issuer.example.com/realms/main" },
  });
  if (env === "local") {
    const c = defaults.local;
    return [{ ...c, webApp: { ...c.webApp, host: "web.example.com" }, faas: faas(c.faas) }];
  }
  const c = defaults[env] as AckConfig;
  const rich = {
    ...c,
    faas: faas(c.faas),
    cluster: { ...c.cluster, addons: [{ name: "csi-plugin", config: JSON.stringify({ a: "b" }), disabled: false }, ...c.cluster.addons.slice(1)] },
    nodePool: {
      ...c.nodePool,
      keyPair: { name: "ops-key", publicKey: SSH_RSA },
      labels: { team: "platform" },
      taints: [{ key: "dedicated", value: "ops", effect: "NoSchedule" }],
    },
    sandboxedNodePool: { ...c.sandboxedNodePool, runtimeVersion: "2.4.3" },
  };
  return [rich, { ...rich, backend: OSS_BACKEND }];
}

const def = (s: unknown) => (s as ZodLike)._zod.def;

/**
 * Every string slot of `schema` present in `data`, plus the schema-level names of string slots the
 * data does not reach (so a test can insist that some sample covers each).
 */
function stringSlots(schema: unknown, data: unknown, path: Segment[] = [], field = ""): { slots: Slot[]; missing: string[] } {
  const out = { slots: [] as Slot[], missing: [] as string[] };
  const d = def(schema);
  const here = field || "(top)";
  switch (d.type) {
    case "string":
      if (typeof data === "string") out.slots.push({ path, field: here });
      else out.missing.push(here);
      break;
    case "optional":
    case "nullable":
    case "default":
      return stringSlots(d.innerType, data, path, field);
    case "pipe":
      return stringSlots(d.in, data, path, field);
    case "union": {
      const options = d.options as unknown[];
      const discriminator = d.discriminator as string | undefined;
      for (const option of options) {
        const od = def(option);
        if (od.type === "literal" || od.type === "enum") continue;
        if (discriminator && od.type === "object") {
          const tag = def((od.shape as Record<string, unknown>)[discriminator]).values as unknown[];
          const name = `${field}<${String(tag[0])}>`;
          const matches = typeof data === "object" && data !== null && tag.includes((data as Record<string, unknown>)[discriminator]);
          const sub = stringSlots(option, matches ? data : undefined, path, name);
          out.slots.push(...sub.slots);
          out.missing.push(...sub.missing);
        } else {
          const sub = stringSlots(option, data, path, field);
          out.slots.push(...sub.slots);
          out.missing.push(...sub.missing);
        }
      }
      break;
    }
    case "object": {
      for (const [key, sub] of Object.entries(d.shape as Record<string, unknown>)) {
        const value = typeof data === "object" && data !== null ? (data as Record<string, unknown>)[key] : undefined;
        const r = stringSlots(sub, value, [...path, key], field ? `${field}.${key}` : key);
        out.slots.push(...r.slots);
        out.missing.push(...r.missing);
      }
      break;
    }
    case "array": {
      const first = Array.isArray(data) && data.length ? data[0] : undefined;
      const r = stringSlots(d.element, first, [...path, 0], `${field}[]`);
      out.slots.push(...r.slots);
      out.missing.push(...r.missing);
      break;
    }
    case "record": {
      const entries = typeof data === "object" && data !== null ? Object.keys(data) : [];
      if (!entries.length) {
        out.missing.push(`${field}{key}`, `${field}{value}`);
        break;
      }
      out.slots.push({ path: [...path, KEY, entries[0]!], field: `${field}{key}` });
      const r = stringSlots(d.valueType, (data as Record<string, unknown>)[entries[0]!], [...path, entries[0]!], `${field}{value}`);
      out.slots.push(...r.slots);
      out.missing.push(...r.missing);
      break;
    }
    default:
      break; // numbers, booleans, enums, literals: not free-form strings
  }
  return out;
}

/** Every string slot of an environment over all its rich samples, with the sample it belongs to. */
export function environmentSlots(env: EnvironmentName): { base: Record<string, unknown>; slots: Slot[] }[] & { uncovered: string[] } {
  const bases = richConfigs(env);
  const walked = bases.map((base) => ({ base, ...stringSlots(ENVIRONMENT_SCHEMAS[env], base) }));
  const covered = new Set(walked.flatMap((w) => w.slots.map((s) => s.field)));
  const uncovered = [...new Set(walked.flatMap((w) => w.missing))].filter((f) => !covered.has(f));
  return Object.assign(
    walked.map((w) => ({ base: w.base, slots: w.slots })),
    { uncovered },
  );
}

/** The string at a slot. */
export function readSlot(data: unknown, slot: Slot): string {
  const keyAt = slot.path.indexOf(KEY);
  if (keyAt >= 0) return String(slot.path[keyAt + 1]);
  let v = data as Record<PropertyKey, unknown>;
  for (const seg of slot.path) v = v[seg as PropertyKey] as Record<PropertyKey, unknown>;
  return v as unknown as string;
}

/** A deep copy of `data` with `value` at the slot (a record key is renamed, keeping its value). */
export function withSlot<T>(data: T, slot: Slot, value: string): T {
  const copy = structuredClone(data) as Record<PropertyKey, unknown>;
  const keyAt = slot.path.indexOf(KEY);
  const parentPath = keyAt >= 0 ? slot.path.slice(0, keyAt) : slot.path.slice(0, -1);
  let parent = copy;
  for (const seg of parentPath) parent = parent[seg as PropertyKey] as Record<PropertyKey, unknown>;
  if (keyAt >= 0) {
    const old = String(slot.path[keyAt + 1]);
    const entries = Object.entries(parent).map(([k, v]) => [k === old ? value : k, v] as const);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) Object.defineProperty(parent, k, { value: v, enumerable: true, writable: true, configurable: true });
  } else {
    parent[slot.path[slot.path.length - 1] as PropertyKey] = value;
  }
  return copy as T;
}
