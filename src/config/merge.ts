/** How a config file's values combine with the defaults (and a preset's values with its profile's). */
import { PROTOTYPE_KEYS } from "./config-file";

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Fields that are discriminated unions on `type` (backend: local | oss): an override of another
 * variant replaces the default object instead of merging into it. Other objects with a `type`
 * field (`cluster.type: managed | dedicated`) merge key by key like any object.
 */
const UNION_FIELDS: readonly string[] = ["backend"];

/**
 * Objects merge key by key; arrays and scalars in the override replace the default. An object of a
 * union field (UNION_FIELDS) whose `type` differs from the default's replaces it.
 */
export function deepMerge<T>(base: T, override: unknown, field?: string): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  if (field !== undefined && UNION_FIELDS.includes(field) && "type" in base && "type" in override && base.type !== override.type) return override as T;
  const out: Record<string, unknown> = { ...base };
  // Own keys only: a `__proto__` key must never reach (and replace) the prototype. Such keys are
  // refused before merging (config-file.ts); skipping them here keeps deepMerge safe on its own.
  for (const [key, value] of Object.entries(override)) {
    if ((PROTOTYPE_KEYS as readonly string[]).includes(key)) continue;
    out[key] = Object.hasOwn(out, key) ? deepMerge(out[key], value, key) : value;
  }
  return out as T;
}
