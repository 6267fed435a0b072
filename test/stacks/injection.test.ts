/**
 * Config values never become Terraform code. Every string field of the schema (values, list
 * elements, record keys) gets template syntax: either the field's grammar refuses it with a problem
 * naming the field, or the stacks carry it into cdk.tf.json where the real `terraform` evaluates it
 * back to exactly the literal text, never running it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, it } from "@jest/globals";
import { environments, validateConfigs } from "../../src/config/load";
import { ENVIRONMENT_NAMES, type EnvironmentConfigs, type EnvironmentName } from "../../src/config/schema";
import { App } from "../../src/lib/tf";
import { newContext } from "../../src/contracts/synth-context";
import { addStacks } from "../../stacks";
import { literalText, literalValues, terraformLiteral, terraformLiterals } from "../../stacks/shared/terraform-literal";
import { toTerraformString } from "../../stacks/local/cloud-init/terraform-text";
import { scratchDir } from "../support/cli";
import { environmentSlots, KEY, readSlot, type Slot, withSlot } from "../support/config-slots";
import { itIf, missingTools } from "../support/requires";

/** Template syntax Terraform would run if it were live: an interpolation and a directive. */
const LIVE = "${pow(2,10)}";
const DIRECTIVE = "%{ if true }on%{ endif }";
const payload = (n: number) => `ckinj${n}_${LIVE}_${DIRECTIVE}_`;
const MARKER = /ckinj(\d+)_/g;

interface Found {
  readonly env: EnvironmentName;
  readonly slotId: number;
  /** The JSON string (or object key) from cdk.tf.json, verbatim. */
  readonly text: string;
  readonly isKey: boolean;
}

interface Outcome {
  readonly accepted: { env: EnvironmentName; field: string; id: number }[];
  readonly rejected: { env: EnvironmentName; field: string; problem: string }[];
  readonly found: Found[];
  readonly uncovered: string[];
}

function problemsOf(env: EnvironmentName, data: unknown): string[] {
  return validateConfigs({ [env]: data }, [env]).problems.map((p) => `${p.path}: ${p.message}`);
}

/** Every string and object key of Terraform JSON that carries a payload marker. */
function collect(env: EnvironmentName, value: unknown, out: Found[]): void {
  if (typeof value === "string") {
    for (const m of value.matchAll(MARKER)) out.push({ env, slotId: Number(m[1]), text: value, isKey: false });
  } else if (Array.isArray(value)) value.forEach((v) => collect(env, v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      for (const m of k.matchAll(MARKER)) out.push({ env, slotId: Number(m[1]), text: k, isKey: true });
      collect(env, v, out);
    }
  }
}

function run(): Outcome {
  const outcome: Outcome = { accepted: [], rejected: [], found: [], uncovered: [] };
  let id = 0;
  for (const env of ENVIRONMENT_NAMES) {
    const samples = environmentSlots(env);
    outcome.uncovered.push(...samples.uncovered.map((f) => `${env}.${f}`));
    for (const { base, slots } of samples) {
      assert.deepEqual(problemsOf(env, base), [], `the rich ${env} sample must be valid`);
      const applied: { slot: Slot; value: string }[] = [];
      for (const slot of slots) {
        const n = id++;
        // The payload alone, and appended to the sample (so path-like fields keep their shape).
        // (and, for a JSON field, inside a JSON string).
        const variants = [payload(n), `${readSlot(base, slot)}${payload(n)}`, JSON.stringify({ k: payload(n) })];
        const value = variants.find((v) => problemsOf(env, withSlot(base, slot, v)).length === 0);
        if (value === undefined) {
          const problems = problemsOf(env, withSlot(base, slot, variants[0]!));
          outcome.rejected.push({ env, field: slot.field, problem: problems[0] ?? "(none)" });
          continue;
        }
        outcome.accepted.push({ env, field: slot.field, id: n });
        applied.push({ slot, value });
      }
      // Values first, then record keys (renaming a key moves the value slots below it).
      let all = base;
      for (const a of [...applied].sort((x, y) => Number(x.slot.path.includes(KEY)) - Number(y.slot.path.includes(KEY)))) all = withSlot(all, a.slot, a.value);
      const { configs, problems } = validateConfigs({ [env]: all }, [env]);
      assert.ok(configs, `every accepted payload together must still be valid:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
      const outdir = scratchDir();
      const app = new App({ outdir, stackTraces: false });
      addStacks(
        app,
        environments(configs as EnvironmentConfigs).filter((e) => e.name === env),
        newContext(scratchDir()),
      );
      app.synth();
      collect(env, JSON.parse(readFileSync(join(outdir, "stacks", env, "cdk.tf.json"), "utf8")), outcome.found);
    }
  }
  return outcome;
}

describe("the escaping boundary", () => {
  it("terraformLiteral escapes both template introducers, and literalText is its exact inverse", () => {
    assert.equal(terraformLiteral('${file("/etc/passwd")} %{if true}x%{endif}'), '$${file("/etc/passwd")} %%{if true}x%%{endif}');
    for (const s of ["", "$", "$$", "${", "$${", "$$${x}", "%{", "%%{", "%%%{", "a${b}c%{d}e", "}${", "${${}}", "$%{", "%${"]) {
      assert.equal(literalText(terraformLiteral(s)), s, JSON.stringify(s));
      // No interpolation or directive survives: every `${`/`%{` is preceded by its escape character.
      assert.doesNotMatch(terraformLiteral(s).replace(/\$\$\{|%%\{/g, ""), /\$\{|%\{/, JSON.stringify(s));
    }
  });

  it("terraformLiterals covers string values, list elements and object keys, and literalValues undoes it", () => {
    const data = { a: "${x}", list: ["%{y}"], map: { "${k}": "v" }, n: 1, b: true };
    const literal = terraformLiterals(data);
    assert.deepEqual(literal, { a: "$${x}", list: ["%%{y}"], map: { "$${k}": "v" }, n: 1, b: true });
    assert.deepEqual(literalValues(literal), data);
    assert.deepEqual(data.map, { "${k}": "v" }, "the input is not modified");
  });

  it("toTerraformString escapes with the same function, then substitutes expressions", () => {
    assert.equal(toTerraformString("a ${b} KEY", { KEY: "${tls_private_key.k.id}" }), "a $${b} ${tls_private_key.k.id}");
  });
});

describe("config values never become Terraform code (every string field of the schema)", () => {
  let outcome: Outcome;
  beforeAll(() => {
    outcome = run();
  });

  it("the rich samples reach every string field of the schema (a new field needs a sample in test/support/config-slots.ts)", () => {
    assert.deepEqual(outcome.uncovered, []);
    assert.ok(outcome.accepted.length + outcome.rejected.length > 100, `only ${outcome.accepted.length + outcome.rejected.length} slots`);
  });

  it("a field that refuses template syntax names itself in the problem", () => {
    for (const r of outcome.rejected) assert.ok(r.problem.startsWith(`${r.env}.`), `${r.env}.${r.field}: ${r.problem}`);
  });

  it("the fields the review found unescaped either refuse template syntax or reach cdk.tf.json", () => {
    const reached = new Set(outcome.found.map((f) => outcome.accepted.find((a) => a.id === f.slotId)).map((a) => a && `${a.env}.${a.field}`));
    const refused = new Set(outcome.rejected.map((r) => `${r.env}.${r.field}`));
    const review = [
      "local.network.hostInterface",
      "local.image.path",
      "local.kubeconfigPath",
      "ack-managed.tags{key}",
      "ack-managed.tags{value}",
      "ack-managed.nodePool.labels{key}",
      "ack-managed.nodePool.labels{value}",
      "ack-managed.nodePool.taints[].key",
      "ack-managed.nodePool.taints[].value",
      "ack-managed.nodePool.keyPair.name",
      "ack-managed.nodePool.keyPair.publicKey",
      "ack-managed.cluster.addons[].name",
      "ack-managed.cluster.addons[].config",
      "ack-managed.nas.path",
      "ack-managed.network.vswitches[].zone",
      "ack-managed.kubeconfigPath",
      "ack-managed.backend<oss>.bucket",
      "ack-dedicated.tags{value}",
    ];
    for (const field of review) assert.ok(reached.has(field) || refused.has(field), `${field} was neither refused nor found in cdk.tf.json`);
    // Some free-form fields do reach Terraform: the evaluation below is not vacuous.
    for (const field of [
      "local.image.path",
      "local.kubeconfigPath",
      "ack-managed.tags{key}",
      "ack-managed.tags{value}",
      "ack-managed.cluster.addons[].config",
      "ack-managed.nodePool.keyPair.publicKey",
    ]) {
      assert.ok(reached.has(field), `${field} should reach cdk.tf.json`);
    }
  });

  it("in cdk.tf.json every payload is escaped (no live ${ or %{ around it)", () => {
    assert.ok(outcome.found.length > 0);
    for (const f of outcome.found) {
      // Unescaped template openers left after removing escaped ones and the stack's own references.
      const own = f.text.replace(/\$\$\{|%%\{/g, "").replace(/\$\{path\.module\}/g, "");
      assert.doesNotMatch(own, /\$\{|%\{/, `${f.env} ${f.isKey ? "key" : "value"}: ${f.text}`);
    }
  });

  itIf(missingTools(["terraform"]), "the real terraform evaluates every such string (and key) to the literal text, never running it", () => {
    const dir = scratchDir();
    const outputs: Record<string, { value: unknown }> = {};
    outcome.found.forEach((f, i) => {
      outputs[`s${i}`] = { value: f.isKey ? { [f.text]: "k" } : f.text };
    });
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ output: outputs }));
    const tf = (args: string[]) =>
      spawnSync("terraform", args, { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" }, timeout: 60_000 });
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["apply", "-input=false", "-auto-approve", "-no-color"],
    ]) {
      const r = tf(args);
      assert.equal(r.status, 0, `terraform ${args[0]}: ${r.stdout}${r.stderr}`);
    }
    const out = tf(["output", "-json"]);
    assert.equal(out.status, 0, out.stderr);
    const values = JSON.parse(out.stdout) as Record<string, { value: unknown }>;
    outcome.found.forEach((f, i) => {
      const v = values[`s${i}`]!.value;
      const text = f.isKey ? Object.keys(v as object)[0]! : String(v);
      const where = `${f.env} ${f.isKey ? "key" : "value"} ${JSON.stringify(f.text)} evaluated to ${JSON.stringify(text)}`;
      assert.ok(text.includes(`_${LIVE}_${DIRECTIVE}_`), where);
      assert.ok(!text.includes("_1024_") && !text.includes("_on_"), where);
    });
  });
});
