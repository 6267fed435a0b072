/** Small IPv4 helpers for validating addresses and CIDR blocks; no dependencies, integers only. */

export interface Cidr {
  /** The text as written, e.g. `192.168.60.0/24`. */
  readonly text: string;
  /** First address of the block (network address) as an unsigned 32-bit integer. */
  readonly first: number;
  /** Last address of the block (broadcast address) as an unsigned 32-bit integer. */
  readonly last: number;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad address; undefined when it is not one. */
export function parseIp(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (e.g. `10.0.0.1/8`). */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, len, extra] = text.split("/");
  if (extra !== undefined || len === undefined || !/^\d{1,2}$/.test(len)) return undefined;
  const prefix = Number(len);
  const base = parseIp(ip ?? "");
  if (base === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { text, first: base, last: base + size - 1, prefix };
}

export function cidrContainsIp(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.first && ip <= cidr.last;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The `n`th usable host address of a block (1 = first after the network address). */
export function hostAddress(cidr: Cidr, n: number): string {
  return formatIp(cidr.first + n);
}

/** Dotted netmask for a prefix length, e.g. 24 -> 255.255.255.0. */
export function netmask(prefix: number): string {
  return formatIp(prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix));
}
