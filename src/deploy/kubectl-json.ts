/**
 * The shapes deploy reads from `kubectl get -o json`, checked before use. A proxy's HTML page, a
 * half-started API server or a plugin printing something else yields "no answer" (undefined),
 * which the callers treat as "not yet" or report; it never becomes a TypeError. Output that may
 * hold Secret data is never echoed (`describeUnparsed`).
 */
import { z } from "zod";

const str = z.string().optional();
const num = z.number().optional();
const meta = z.object({ name: str, namespace: str, generation: num }).optional();

export const nodeListSchema = z.object({
  items: z.array(
    z.object({ metadata: meta, status: z.object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() }).optional() }),
  ),
});

const containerStatus = z.object({
  name: z.string(),
  image: str,
  state: z.object({ waiting: z.object({ reason: str, message: str }).optional(), terminated: z.object({ reason: str, exitCode: num }).optional() }).optional(),
});

export const podListSchema = z.object({
  items: z.array(
    z.object({
      metadata: meta,
      status: z
        .object({
          phase: str,
          conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: str, message: str })).optional(),
          initContainerStatuses: z.array(containerStatus).optional(),
          containerStatuses: z.array(containerStatus).optional(),
        })
        .optional(),
    }),
  ),
});

export const workloadSchema = z.object({
  metadata: z.object({ generation: num }),
  spec: z.object({ replicas: num }).optional(),
  status: z
    .object({
      observedGeneration: num,
      replicas: num,
      updatedReplicas: num,
      readyReplicas: num,
      availableReplicas: num,
      currentRevision: str,
      updateRevision: str,
    })
    .optional(),
});

const lbIngress = z.object({ loadBalancer: z.object({ ingress: z.array(z.object({ ip: str, hostname: str })).optional() }).optional() }).optional();

export const serviceListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string() }),
      spec: z.object({ type: str, ports: z.array(z.object({ port: z.number(), name: str })).optional() }),
      status: lbIngress,
    }),
  ),
});

export const ingressListSchema = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string() }),
      spec: z.object({ rules: z.array(z.object({ host: str })).optional(), tls: z.array(z.unknown()).optional() }).optional(),
      status: lbIngress,
    }),
  ),
});

export const secretSchema = z.object({ data: z.record(z.string(), z.string()).optional() });

/** `text` parsed as JSON and checked against `schema`, or undefined; never throws. */
export function parseKubectlJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** How to describe output that did not parse, without repeating it. */
export function describeUnparsed(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "(empty)";
  return `${trimmed.length} bytes that are not the expected JSON (starting ${JSON.stringify(trimmed.slice(0, 1))})`;
}
