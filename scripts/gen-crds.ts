/**
 * `npm run gen:crds [-- --from <dir>]`: regenerates the typed CRD classes in charts/imports/ with
 * `cdk8s import`, from the pinned upstream manifests (src/config/upstream.ts), trimmed to the
 * kinds and spec fields our charts set. The upstream files come from .cache/upstream (deploy's
 * verified cache, downloaded when missing) or from `--from <dir>` (files named `<id>.yaml`, e.g.
 * ../shared/upstream); either way their SHA-256 must match the pinned one.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { ALL_UPSTREAM_INSTALLS, type UpstreamInstall } from "../src/config/upstream";
import { ensureUpstream, httpFetch } from "../src/deploy/upstream-cache";
import { streamReporter } from "../src/deploy/reporter";
import { type CommandSpec, helpText, parseCommandLine } from "../src/cli/args";
import { UserError } from "../src/errors";
import { GENERATED_CRD_IMPORTS, type CrdImport, generatedHeader } from "./crd-imports";

const root = resolve(__dirname, "..");

export const GEN_CRDS_COMMAND: CommandSpec = {
  command: "npm run gen:crds --",
  summary: "Regenerates charts/imports/*.ts from the pinned upstream CRDs (SHA-256 checked), trimmed to what the charts use.",
  positionals: [],
  options: [
    {
      flag: "--from",
      value: "dir",
      description: "read <id>.yaml files from <dir> instead of .cache/upstream (SHA-256 still checked; relative to the folder you run npm in)",
    },
  ],
  notes: [`imports: ${GENERATED_CRD_IMPORTS.map((i) => `${i.module} (${i.upstream})`).join(", ")}`],
  examples: ["npm run gen:crds", "npm run gen:crds -- --from ../shared/upstream"],
};

function parseArgs(argv: string[]): { from?: string } {
  const cl = parseCommandLine(GEN_CRDS_COMMAND, argv);
  if (cl.help) {
    process.stdout.write(helpText(GEN_CRDS_COMMAND));
    process.exit(0);
  }
  const from = cl.options.from;
  return { from: typeof from === "string" ? resolve(process.env.INIT_CWD ?? process.cwd(), from) : undefined };
}

async function upstreamText(install: UpstreamInstall, from?: string): Promise<string> {
  const file = from ? join(from, `${install.id}.yaml`) : await ensureUpstream(install, root, httpFetch, streamReporter());
  const bytes = readFileSync(file);
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== install.sha256) throw new Error(`${file} has SHA-256 ${actual}, pinned ${install.sha256}`);
  return bytes.toString("utf8");
}

type Json = Record<string, unknown>;

/** The CRD document named `name`, with each served version's spec trimmed to `keepSpec` (all when absent). */
function trimmedCrd(text: string, imp: CrdImport, name: string): Json {
  const crd = parseAllDocuments(text)
    .map((d) => d.toJS() as Json | null)
    .find((d) => d?.kind === "CustomResourceDefinition" && (d.metadata as Json)?.name === name);
  if (!crd) throw new Error(`${imp.upstream} has no CustomResourceDefinition ${name}`);
  const keep = imp.keepSpec?.[name];
  if (keep) {
    for (const v of (crd.spec as { versions: { schema: { openAPIV3Schema: Json } }[] }).versions) {
      const spec = (v.schema.openAPIV3Schema.properties as Json).spec as { properties: Json; required?: string[] };
      const missing = keep.filter((k) => !(k in spec.properties));
      if (missing.length) throw new Error(`${name}: spec has no ${missing.join(", ")} (upstream changed?)`);
      spec.properties = Object.fromEntries(Object.entries(spec.properties).filter(([k]) => keep.includes(k)));
      if (spec.required) spec.required = spec.required.filter((k) => keep.includes(k));
      delete (v.schema.openAPIV3Schema.properties as Json).status;
    }
  }
  return crd;
}

async function main(): Promise<void> {
  const { from } = parseArgs(process.argv.slice(2));
  for (const imp of GENERATED_CRD_IMPORTS) {
    const install = ALL_UPSTREAM_INSTALLS.find((i) => i.id === imp.upstream);
    if (!install) throw new Error(`crd-imports.ts names ${imp.upstream}, which src/config/upstream.ts does not pin`);
    const text = await upstreamText(install, from);
    const scratch = mkdtempSync(join(tmpdir(), "clusterkit-crds-"));
    try {
      const input = join(scratch, `${imp.module}.yaml`);
      writeFileSync(input, imp.crds.map((n) => stringify(trimmedCrd(text, imp, n))).join("---\n"));
      // Run in the scratch folder with its own cdk8s.yaml, so the project's is never rewritten.
      writeFileSync(join(scratch, "cdk8s.yaml"), "language: typescript\napp: 'true'\n");
      const cli = join(root, "node_modules", ".bin", "cdk8s");
      const r = spawnSync(cli, ["import", input, "-l", "typescript", "-o", "out", "--no-save", "--no-check-upgrade"], { cwd: scratch, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`cdk8s import failed:\n${r.stdout}${r.stderr}`);
      const generated = readFileSync(join(scratch, "out", `${imp.module}.ts`), "utf8");
      const target = join(root, "charts", "imports", `${imp.module}.ts`);
      writeFileSync(target, generatedHeader(imp, install) + generated);
      process.stdout.write(`wrote charts/imports/${imp.module}.ts (${generated.split("\n").length} lines) from ${install.id}\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

if (require.main === module)
  main().catch((err: Error) => {
    process.stderr.write(`${err instanceof UserError ? "clusterkit" : "gen:crds"}: ${err.message}\n`);
    process.exit(1);
  });
