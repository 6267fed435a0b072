/**
 * A bounded, seeded fuzzer of configurations: it mutates valid samples (hostile strings into any
 * string field, edge values into any number field, structural damage anywhere) and checks that
 * every run either succeeds with outputs that pass the project's own validators, or fails with
 * problems that each name a field, with bounded text; never a trace, never a hang, never a change
 * to earlier outputs on refusal. The same seed always gives the same cases.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadConfig } from "../../src/config/load";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../../src/config/schema";
import { UserError } from "../../src/errors";
import { runSynth } from "../../src/synth/run";
import { scratchDir } from "./cli";
import { environmentSlots, readSlot, type Slot, withSlot } from "./config-slots";
import { builtInModel, CRD_SCHEMA_DIR, crdSchemaFixtureFiles, type ManifestObject, ManifestValidator, parseManifests } from "./k8s-validate";

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

/** A marker in hostile strings, to find them again in cdk.tf.json. */
const FUZZ_MARKER = "ckfz";

const HOSTILE_STRINGS: readonly ((n: number) => string)[] = [
  (n) => `${FUZZ_MARKER}${n}_\${file("/etc/passwd")}_%{ if true }x%{ endif }`,
  (n) => `${FUZZ_MARKER}${n}$`,
  () => "../../../etc/passwd",
  () => "/etc/shadow",
  () => "",
  () => " ",
  () => "x".repeat(5000),
  () => "ñ漢字\u202e",
  () => "a\u0000b\u001b[31m\n",
  () => "javascript:alert(1)",
  () => "latest",
  () => "__proto__",
  () => "1e999",
  () => "kube-system",
  () => "0.0.0.0/0",
  () => "10.0.0.1/32",
  () => "'; rm -rf / #",
  () => "$(reboot)",
];

const EDGE_VALUES: readonly unknown[] = [0, -1, 1, 0.5, 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, Infinity, Number.NaN, "3", null, true, [], {}];

/** Every number (and boolean) field present in `data`, by path. */
function scalarPaths(data: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof data === "number" || typeof data === "boolean") out.push(path);
  else if (Array.isArray(data)) data.forEach((v, i) => scalarPaths(v, [...path, i], out));
  else if (data && typeof data === "object") for (const [k, v] of Object.entries(data)) scalarPaths(v, [...path, k], out);
  return out;
}

/** Every object and array in `data`, by path (the root included). */
function containerPaths(data: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (data && typeof data === "object") {
    out.push(path);
    for (const [k, v] of Object.entries(data)) containerPaths(v, [...path, Array.isArray(data) ? Number(k) : k], out);
  }
  return out;
}

function at(data: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], data);
}

export interface FuzzCase {
  readonly id: number;
  readonly env: EnvironmentName;
  /** The override as a CLUSTERKIT_CONFIG file would hold it. */
  readonly override: Record<string, unknown>;
  /** What was done, for failure messages. */
  readonly mutations: string[];
}

const slotCache = new Map<EnvironmentName, ReturnType<typeof environmentSlots>>();
function slotsOf(env: EnvironmentName): ReturnType<typeof environmentSlots> {
  if (!slotCache.has(env)) slotCache.set(env, environmentSlots(env));
  return slotCache.get(env)!;
}

/** Case `id` of the run seeded with `seed` (cases are independent: any one can be replayed alone). */
export function fuzzCase(seed: number, id: number): FuzzCase {
  const rng = prng(seed * 100_003 + id);
  const env = pick(rng, ENVIRONMENT_NAMES);
  const samples = slotsOf(env);
  const sample = pick(rng, samples);
  let data: Record<string, unknown> = structuredClone(sample.base);
  const mutations: string[] = [];
  const count = 1 + Math.floor(rng() * 2);
  for (let m = 0; m < count; m++) {
    const kind = rng();
    if (kind < 0.5) {
      const slot: Slot = pick(rng, sample.slots);
      // Slots below a renamed key no longer exist; mutate only what is still there.
      try {
        // Half the time appended to the sample's value, which free-form fields (tags, paths) accept.
        const hostile = pick(rng, HOSTILE_STRINGS)(id);
        const value = rng() < 0.5 ? `${readSlot(data, slot)}${hostile}` : hostile;
        data = withSlot(data, slot, value);
        mutations.push(`${slot.field} = ${JSON.stringify(value.slice(0, 40))}`);
      } catch {
        continue;
      }
    } else if (kind < 0.8) {
      const paths = scalarPaths(data);
      if (!paths.length) continue;
      const path = pick(rng, paths);
      const value = pick(rng, EDGE_VALUES);
      const parent = at(data, path.slice(0, -1)) as Record<string | number, unknown>;
      parent[path[path.length - 1]!] = value;
      mutations.push(`${path.join(".")} = ${String(value)}`);
    } else {
      const path = pick(rng, containerPaths(data));
      const target = at(data, path) as Record<string, unknown>;
      const keys = Object.keys(target);
      const action = Math.floor(rng() * 5);
      if (action === 0 && keys.length) {
        const k = pick(rng, keys);
        delete target[k];
        mutations.push(`delete ${[...path, k].join(".")}`);
      } else if (action === 1 && !Array.isArray(target)) {
        target[`unknownField${id}`] = 1;
        mutations.push(`add ${path.join(".")}.unknownField${id}`);
      } else if (action === 2 && !Array.isArray(target)) {
        Object.defineProperty(target, "__proto__", { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
        mutations.push(`add ${path.join(".")}.__proto__`);
      } else if (action === 3 && path.length) {
        const parent = at(data, path.slice(0, -1)) as Record<string | number, unknown>;
        const replacement = pick(rng, [[], "text", null, 7, [target]]);
        parent[path[path.length - 1]!] = replacement;
        mutations.push(`${path.join(".")} replaced by ${JSON.stringify(replacement)?.slice(0, 30)}`);
      } else if (Array.isArray(target) && target.length) {
        (target as unknown[]).push(structuredClone(target[0]));
        mutations.push(`duplicate ${path.join(".")}[0]`);
      }
    }
  }
  return { id, env, override: { [env]: data }, mutations };
}

/** Hash of every file under `dir` (names and bytes), to prove a refused run changed nothing. */
function treeHash(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      h.update(p);
      if (e.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}

export interface FuzzTally {
  accepted: number;
  refused: number;
  synthesized: number;
}

/**
 * Runs one case through what `npm run synth` runs (`runSynth`: config file, loadConfig, synthesize)
 * in a root holding earlier outputs: a refusal must name fields with bounded text and leave that
 * root exactly as it was; an acceptance (when `synthesizeAccepted`) must produce outputs that pass
 * the validators. Accepted cases not synthesized are only validated.
 */
export function runFuzzCase(c: FuzzCase, validator: ReturnType<typeof manifestValidator>, synthesizeAccepted: boolean, tally: FuzzTally): void {
  const where = `case ${c.id} (${c.env}: ${c.mutations.join("; ")})`;
  const dir = scratchDir("clusterkit-fuzz-");
  const file = join(dir, "clusterkit.json");
  // JSON cannot hold NaN or Infinity: as YAML they are written .nan and .inf, like a user would.
  writeFileSync(
    file,
    JSON.stringify(c.override, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? `__NF_${String(v)}__` : v)).replace(
      /"__NF_(-?Infinity|NaN)__"/g,
      (_m, v: string) => (v === "NaN" ? ".nan" : v.startsWith("-") ? "-.inf" : ".inf"),
    ),
  );
  const env = { CLUSTERKIT_CONFIG: file };
  const started = Date.now();
  let accepted = true;
  try {
    loadConfig(env);
  } catch (err) {
    accepted = false;
    assert.ok(err instanceof UserError, `${where}: not a UserError (a stack trace): ${(err as Error)?.stack}`);
    const lines = err.problems.length ? err.problems : [err.message];
    for (const p of lines) {
      assert.ok(p.length <= 600, `${where}: unbounded problem text (${p.length} characters): ${p.slice(0, 200)}`);
      if (err.problems.length) assert.match(p, /^(local|ack-managed|ack-dedicated|\(top level\)|…)/, `${where}: problem names no field: ${p}`);
    }
  } finally {
    assert.ok(Date.now() - started < 10_000, `${where}: validation took ${Date.now() - started} ms`);
  }
  if (!accepted) {
    // The whole synth pipeline refuses too, and touches nothing.
    const root = rootWithOutputs();
    const before = treeHash(root);
    assert.throws(
      () => runSynth(env, root),
      (e: unknown) => e instanceof UserError,
      where,
    );
    assert.equal(treeHash(root), before, `${where}: a refused run changed earlier outputs`);
    tally.refused++;
    return;
  }
  tally.accepted++;
  if (!synthesizeAccepted) return;
  const root = rootWithOutputs();
  runSynth(env, root, [c.env]);
  tally.synthesized++;
  assertMarkersEscaped(JSON.parse(readFileSync(join(root, "cdktf.out/stacks", c.env, "cdk.tf.json"), "utf8")) as unknown, where);
  const distDir = join(root, "dist", c.env);
  const objects = readdirSync(distDir)
    .filter((f) => f.endsWith(".k8s.yaml"))
    .flatMap((f) => parseManifests(readFileSync(join(distDir, f), "utf8")));
  assert.ok(objects.length > 5, `${where}: ${objects.length} objects`);
  assert.equal(validator.validateAll(objects.filter((o) => validator.covers(o))).join("\n"), "", `${where}: manifests fail validation`);
}

/** Every string or key of Terraform JSON holding a fuzz marker has no live template syntax. */
function assertMarkersEscaped(value: unknown, where: string): void {
  const check = (s: string) => {
    if (!s.includes(FUZZ_MARKER)) return;
    const live = s.replace(/\$\$\{|%%\{/g, "").replace(/\$\{path\.module\}/g, "");
    assert.doesNotMatch(live, /\$\{|%\{/, `${where}: live template syntax in cdk.tf.json: ${s.slice(0, 200)}`);
  };
  if (typeof value === "string") check(value);
  else if (Array.isArray(value)) value.forEach((v) => assertMarkersEscaped(v, where));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      check(k);
      assertMarkersEscaped(v, where);
    }
  }
}

/**
 * The project's manifest validator. With `crds`, every CRD schema fixture is registered (compiling
 * them takes seconds: the full run only); without, custom resources are left out (`covers`).
 */
export function manifestValidator(crds: boolean): ManifestValidator & { covers(o: ManifestObject): boolean } {
  const v = new ManifestValidator();
  if (crds) for (const f of crdSchemaFixtureFiles()) v.addCrdSchemaFile(join(CRD_SCHEMA_DIR, f));
  return Object.assign(v, { covers: (o: ManifestObject) => crds || builtInModel(o.apiVersion, o.kind) !== undefined });
}

/** A root holding earlier outputs (and state), for the "refusal changes nothing" check. */
function rootWithOutputs(): string {
  const root = scratchDir("clusterkit-fuzz-earlier-");
  for (const [file, text] of [
    ["cdktf.out/stacks/local/cdk.tf.json", "{}"],
    ["dist/local/10-cni.k8s.yaml", "kind: Installation\n"],
    ["state/local/terraform.tfstate", "{}"],
    ["state/local/outputs.json", "{}"],
  ]) {
    mkdirSync(dirname(join(root, file!)), { recursive: true });
    writeFileSync(join(root, file!), text!);
  }
  return root;
}
