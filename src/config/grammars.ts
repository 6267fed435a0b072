/**
 * Field grammars of the environment model: every field that has a real syntax (Kubernetes labels,
 * Alibaba tag keys, zone ids, key-pair names, URLs, data directories, quantities) gets it, and every
 * number gets finite bounds with the allowed range in its message. Free-form strings that remain are
 * data only: nothing in them becomes Terraform, shell or YAML syntax (see terraform-literal.ts).
 */
import { z } from "zod";
import { quote } from "../errors";
import { parseCidr } from "./ipv4";
import { imageReferenceProblem } from "./oci-reference";
import { parseBytes, parseMillicores } from "./quantity";
import { pathSyntaxProblem } from "../contracts/state-paths";

/** A whole number from `min` to `max`; the message gives the range whatever the violation. */
export function intRange(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A string that matches `re`, at most `max` characters, with `what` saying what it must be. */
export function grammar(re: RegExp, what: string, max = 253) {
  return z
    .string({ error: `must be ${what}` })
    .max(max, { error: `must be ${what} of at most ${max} characters` })
    .regex(re, { error: `must be ${what}` });
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export const dnsLabel = z
  .string()
  .max(63, { error: "must be a DNS-1123 label of at most 63 characters" })
  .regex(DNS1123_LABEL, { error: "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending alphanumeric)" });

/** A DNS name such as web.example.com (lower case, as Ingress hosts must be). */
export const dnsName = grammar(DNS1123_SUBDOMAIN, "a lower-case DNS name like web.example.com");

/** Namespaces Kubernetes and the platform own; the workload must never take (and relabel) them. */
const PLATFORM_NAMESPACES = ["default", "metallb-system", "tigera-operator", "calico-system", "calico-apiserver", "arms-prom"] as const;

/** What is wrong with a namespace for the workload, or undefined. */
function namespaceProblem(ns: string): string | undefined {
  if (ns.startsWith("kube-")) return `${quote(ns)} is a Kubernetes system namespace (kube-*); choose your own`;
  if ((PLATFORM_NAMESPACES as readonly string[]).includes(ns))
    return `${quote(ns)} belongs to Kubernetes or the platform (${PLATFORM_NAMESPACES.join(", ")}); choose your own`;
  return undefined;
}

/** A namespace of the workload: a DNS-1123 label that is not Kubernetes' or the platform's own. */
export const namespace = dnsLabel.superRefine((ns, ctx) => {
  const problem = namespaceProblem(ns);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

// Kubernetes label/taint keys: [prefix/]name; name 1-63 alphanumerics, '-', '_', '.'; prefix a DNS subdomain.
const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return "has a prefix that is not a DNS subdomain";
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    return "must be a Kubernetes label key: [prefix/]name, name 1-63 letters, digits, '-', '_', '.' starting and ending alphanumeric";
  if (prefix === "kubernetes.io" || prefix === "k8s.io" || prefix?.endsWith(".kubernetes.io") || prefix?.endsWith(".k8s.io"))
    return "must not use the kubernetes.io / k8s.io prefixes, which Kubernetes reserves";
  return undefined;
}

/** A Kubernetes label (or taint) key. */
export const labelKey = z.string().superRefine((key, ctx) => {
  const problem = labelKeyProblem(key);
  if (problem) ctx.addIssue({ code: "custom", message: `${quote(key)} ${problem}` });
});

/** A Kubernetes label (or taint) value: empty, or up to 63 alphanumerics, '-', '_', '.'. */
export const labelValue = z
  .string()
  .max(63, { error: "must be a Kubernetes label value of at most 63 characters" })
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, {
    error: "must be a Kubernetes label value: letters, digits, '-', '_', '.', starting and ending alphanumeric",
  });

/** Alibaba Cloud tag keys: 1-128 characters, not starting with aliyun or acs:, no http(s)://. */
export const tagKey = z.string().superRefine((key, ctx) => {
  if (key.length < 1 || key.length > 128) ctx.addIssue({ code: "custom", message: `tag key ${quote(key)} must be 1 to 128 characters long` });
  else if (/^(aliyun|acs:)/i.test(key))
    ctx.addIssue({ code: "custom", message: `tag key ${quote(key)} must not start with aliyun or acs:, which Alibaba Cloud reserves` });
  else if (/https?:\/\//i.test(key)) ctx.addIssue({ code: "custom", message: `tag key ${quote(key)} must not contain http:// or https://` });
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(key)) ctx.addIssue({ code: "custom", message: `tag key ${quote(key)} must not contain control characters` });
});

/** Alibaba Cloud tag values: at most 128 characters, no http(s)://. */
export const tagValue = z
  .string()
  .max(128, { error: "must be a tag value of at most 128 characters" })
  .refine((v) => !/https?:\/\//i.test(v), { error: "must not contain http:// or https://" })
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { error: "must not contain control characters" });

/** An Alibaba Cloud zone id like eu-central-1a (or cn-hangzhou-k). */
export const zoneId = grammar(/^[a-z]{2}-[a-z]+(-[a-z]+)?(-\d+[a-z]|-[a-z])$/, "an Alibaba Cloud zone id like eu-central-1a or cn-hangzhou-k", 64);

/** ECS key-pair names: 2-128 letters, digits, ':', '_', '-', starting with a letter (also a file name under state/<env>/). */
export const keyPairName = grammar(
  /^[A-Za-z][A-Za-z0-9:_-]{1,127}$/,
  "an ECS key-pair name: 2-128 letters, digits, ':', '_' and '-', starting with a letter",
  128,
);

/** A host interface as VirtualBox names it (vboxnet0 on Linux and macOS, "VirtualBox Host-Only Ethernet Adapter #2" on Windows). */
export const hostInterfaceName = grammar(/^[A-Za-z0-9][A-Za-z0-9 ._#()-]{0,63}$/, "a VirtualBox host-only interface name like vboxnet0", 64);

/** A Linux network interface name inside the guests. */
export const linuxInterfaceName = (example: string) => grammar(/^[a-z][a-z0-9]{1,14}$/, `a Linux interface name like ${example}`, 15);

/** What is wrong with a URL the browser or a client follows, or undefined (`schemes`: allowed protocols). */
function urlProblem(text: string, schemes: readonly ("http" | "https")[]): string | undefined {
  if (text.length > 2048) return "must be a URL of at most 2048 characters";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be an absolute ${schemes.join(" or ")} URL, got ${quote(text)}`;
  }
  if (!schemes.includes(url.protocol.slice(0, -1) as "http" | "https")) return `must be an ${schemes.join(" or ")} URL, not ${quote(url.protocol)}`;
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not carry a user name or password";
  return undefined;
}

/** A URL with one of `schemes` (javascript:, file:, data: and the like are refused). */
export function webUrl(schemes: readonly ("http" | "https")[]) {
  return z.string().superRefine((text, ctx) => {
    const problem = urlProblem(text, schemes);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** An IPv4 CIDR block with a prefix length from `min` to `max`, outside the unusable ranges. */
export function cidrBlock(min: number, max: number) {
  return z.string().superRefine((text, ctx) => {
    const c = parseCidr(text);
    if (!c) ctx.addIssue({ code: "custom", message: `must be an IPv4 CIDR block like 10.244.0.0/16 with no host bits set, got ${quote(text)}` });
    else if (c.prefix < min || c.prefix > max) ctx.addIssue({ code: "custom", message: `prefix /${c.prefix} is outside the allowed /${min} to /${max}` });
    else if (UNUSABLE.some((u) => c.first <= u.last && u.first <= c.last))
      ctx.addIssue({ code: "custom", message: `${text} overlaps ${UNUSABLE.map((u) => u.text).join(", ")}, which hosts and clusters cannot use` });
  });
}
/** "This network", loopback, and multicast/reserved/broadcast space. */
const UNUSABLE = ["0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3"].map((t) => parseCidr(t)!);

/** Roots under which a node may keep data (exports, local volumes); never /etc, /usr, /boot, /… itself. */
const DATA_ROOTS = ["/srv", "/data", "/export", "/exports", "/mnt", "/var/lib/clusterkit"] as const;

/** An absolute directory strictly below one of the data roots, plain segments only. */
export const dataDirectory = z.string().superRefine((p, ctx) => {
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(p) || p.split("/").some((s) => s === "." || s === "..")) {
    ctx.addIssue({ code: "custom", message: `must be an absolute path of plain segments (letters, digits, '.', '_', '-'; no '..'), got ${quote(p)}` });
  } else if (!DATA_ROOTS.some((r) => p.startsWith(`${r}/`)) || p.length > 255) {
    ctx.addIssue({
      code: "custom",
      message: `must be a directory below one of ${DATA_ROOTS.join(", ")} (never a system directory like /etc), got ${quote(p)}`,
    });
  }
});

/** An absolute path of plain segments, e.g. a NAS export path ("/" allowed). */
export const plainAbsolutePath = z.string().superRefine((p, ctx) => {
  if (p.length > 255 || !/^\/([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/.test(p) || p.split("/").some((s) => s === "." || s === "..")) {
    ctx.addIssue({ code: "custom", message: `must be an absolute path of plain segments (letters, digits, '.', '_', '-'; no '..'), got ${quote(p)}` });
  }
});

/** A file path in config: relative or absolute, no control characters (where it may point: state-paths.ts). */
export const filePath = z
  .string()
  .min(1, { error: "must not be empty" })
  .superRefine((p, ctx) => {
    const problem = pathSyntaxProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A pinned image reference by the OCI grammar (oci-reference.ts). */
export const imageRef = z.string().superRefine((ref, ctx) => {
  const problem = imageReferenceProblem(ref);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A byte quantity like 256Mi or 10Gi, from `min` up to `max` (unit strings like "1Mi", "64Ti"). */
export function byteQuantity(max: string, min = "1Mi") {
  const maxBytes = parseBytes(max)!;
  const minBytes = parseBytes(min)!;
  return z.string().superRefine((q, ctx) => {
    const bytes = q.length <= 32 ? parseBytes(q) : undefined;
    if (bytes === undefined || !Number.isFinite(bytes))
      ctx.addIssue({ code: "custom", message: `must be a positive byte quantity like 256Mi or 10Gi, got ${quote(q)}` });
    else if (bytes < minBytes || bytes > maxBytes) ctx.addIssue({ code: "custom", message: `${quote(q)} is outside the allowed ${min} to ${max}` });
  });
}

/** A CPU quantity like 500m or 2, from 1m up to `maxCores`. */
export function cpuQuantity(maxCores: number) {
  return z.string().superRefine((q, ctx) => {
    const m = q.length <= 16 ? parseMillicores(q) : undefined;
    if (m === undefined || !Number.isFinite(m)) ctx.addIssue({ code: "custom", message: `must be a positive CPU quantity like 500m or 2, got ${quote(q)}` });
    else if (m < 1 || m > maxCores * 1000) ctx.addIssue({ code: "custom", message: `${quote(q)} is outside the allowed 1m to ${maxCores}` });
  });
}
