/**
 * What `npm run deploy -- <env> --plan` prints: everything deploy would do, in order, without
 * doing any of it, even when prerequisites are missing (they are listed at the end): the base box,
 * the SSH keys, the Terraform stack and what it creates, the apply order, the container images the
 * manifests run, and the Secrets deploy creates.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { manifestObjects } from "../lib/manifest-yaml";
import { SSH_DIR } from "../contracts/node-access";
import type { BaseImage } from "../config/base-image";
import type { Environment } from "../config/schema";
import { boxFile } from "../box/build";
import { manifestFiles } from "./manifest-files";
import { type ApplyStep, describeStep } from "./plan";

export interface PlanFacts {
  readonly root: string;
  readonly environment: Environment;
  /** cdktf.out/stacks/<env>, synthesized. */
  readonly stackDir: string;
  /** dist/<env>, synthesized. */
  readonly manifestsDir: string;
  readonly steps: readonly ApplyStep[];
  /** Images this repository builds that deploy delivers, one line each. @default none */
  readonly images?: readonly string[];
  /** Whether `npm run verify` runs at the end. @default false */
  readonly verify?: boolean;
  readonly baseImage: BaseImage;
  /** Preflight problems: deploy would stop before creating anything. */
  readonly problems: readonly string[];
}

/** `virtualbox_vm ×4, local_file ×8, ...` from the synthesized stack. */
function terraformResources(stackDir: string): string {
  const file = join(stackDir, "cdk.tf.json");
  if (!existsSync(file)) return "";
  const tf = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, unknown>> };
  const counts = Object.entries(tf.resource ?? {}).map(([type, byId]) => `${type} ×${Object.keys(byId).length}`);
  const total = Object.values(tf.resource ?? {}).reduce((n, byId) => n + Object.keys(byId).length, 0);
  return `${total} resources: ${counts.join(", ")}`;
}

/** Every container image the manifests run (containers and init containers), sorted. */
function manifestImages(dir: string): string[] {
  const images = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "image" && typeof x === "string") images.add(x);
        else visit(x);
      }
    }
  };
  for (const f of manifestFiles(dir)) for (const doc of manifestObjects(readFileSync(join(dir, f), "utf8"))) visit(doc);
  return [...images].sort();
}

export function planReport(p: PlanFacts): string[] {
  const { environment: env } = p;
  const lines = [`deploy plan for ${env.name} (--plan creates nothing):`];
  let n = 0;
  const step = (text: string) => lines.push(`  ${++n}. ${text}`);
  if (env.kind === "local") {
    const box = env.config.image.path;
    step(
      existsSync(boxFile(p.root, box))
        ? `base box ${box}: present (checked by preflight)`
        : `base box ${box}: missing, built first (npm run box: downloads ${p.baseImage.description}, about 600 MB)`,
    );
    step(`SSH keys in ${SSH_DIR}: the lab admin key and one host key per node, created where missing (npm run ssh -- <node> uses them)`);
  }
  if (p.images?.length) step(`the service's images, built by this repository when their archives are missing: ${p.images.join("; ")}`);
  step(`terraform init + apply in ${relative(p.root, p.stackDir)} (${terraformResources(p.stackDir)})`);
  step("wait for the API server and the nodes");
  for (const s of p.steps) step(describeStep(s));
  step("wait until every Deployment and StatefulSet is ready");
  if (p.verify) step(`verify (npm run verify -- ${env.name})`);
  const images = manifestImages(p.manifestsDir);
  lines.push(`container images the manifests run (${images.length}; pulled by the nodes):`, ...images.map((i) => `  - ${i}`));
  if (p.problems.length) {
    lines.push(
      `prerequisites missing: deploy stops before creating anything until ${p.problems.length === 1 ? "this is" : `these ${p.problems.length} are`} fixed:`,
      ...p.problems.map((x) => `  - ${x}`),
    );
  } else {
    lines.push("prerequisites: all present");
  }
  return lines;
}
