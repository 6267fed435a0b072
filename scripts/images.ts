/**
 * npm run images -- <command>: builds the code-execution service's container images from this
 * repository (no container daemon, no registry pull). See docs/images.md.
 */
import { configuredEnvironmentNames, environmentNamed, loadConfig } from "../src/config/load";
import type { EnvironmentName } from "../src/config/schema";
import { buildContext, buildImage, imageReference, lockImages, readImagesLock, staleImages, toolchainLabel } from "../images/lib/build";
import { readDebianLock } from "../images/lib/debian/lock";
import { ImageBuildError } from "../images/lib/errors";
import { RECIPES, recipeByName } from "../images/recipes";
import { UserError } from "../src/errors";

const HELP = `usage: npm run images -- <command> [options]

commands:
  build [name ...]          build images (all when none is named) into build/images/<name>.tar
  list                      print every image's reference and toolchain versions
  lock [--update [rootfs ...]]
                            resolve new or changed root filesystems against the Debian mirror into
                            images/debian.lock.json, then recompute images/images.lock.json;
                            --update re-resolves the named root filesystems (all when none is named)

options:
  --env <environment>       name images for this environment's registry (default: local)
  --registry <host[:port]>  name images for this registry instead
  -h, --help                show this help

images: ${RECIPES.map((r) => r.name).join(", ")}`;

function fail(message: string, details: readonly string[] = []): never {
  console.error(`images: ${message}`);
  for (const d of details) console.error(d);
  process.exit(1);
}

interface Args {
  command: string;
  names: string[];
  env: EnvironmentName;
  registry?: string;
  update: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: "", names: [], env: "local", update: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-h" || a === "--help") {
      console.log(HELP);
      process.exit(0);
    } else if (a === "--env" || a === "--registry") {
      const value = argv[++i];
      if (!value || value.startsWith("-")) fail(`${a} needs a value`);
      if (a === "--env") {
        const names = configuredEnvironmentNames();
        if (!names.includes(value)) fail(`unknown environment '${value}'; expected one of ${names.join(", ")}`);
        args.env = value as EnvironmentName;
      } else args.registry = value;
    } else if (a === "--update") args.update = true;
    else if (a.startsWith("-")) fail(`unknown option ${a}; valid options: --env, --registry, --update (lock), --help`);
    else if (!args.command) args.command = a;
    else args.names.push(a);
  }
  if (!["build", "list", "lock"].includes(args.command))
    fail(
      args.command
        ? `unknown command '${args.command}'; expected build, list or lock (see --help)`
        : "no command given; expected build, list or lock (see --help)",
    );
  if (args.update && args.command !== "lock") fail("--update belongs to `lock`");
  return args;
}

function registryFor(args: Args): string {
  if (args.registry) return args.registry;
  const env = environmentNamed(loadConfig(), args.env);
  return env.config.faas.registry;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const log = (line: string) => console.error(`  ${line}`);

// `npm run images -- list | head -1` closes stdout early: stop quietly.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === "lock") {
    const rootfsNames = new Set(RECIPES.flatMap((r) => r.layers.flatMap((l) => l.rootfs.map((s) => s.name))));
    const unknown = args.names.filter((n) => !rootfsNames.has(n));
    if (unknown.length) fail(`unknown root filesystem ${unknown.join(", ")}; valid: ${[...rootfsNames].sort().join(", ")}`);
    const update = args.update ? (args.names.length ? new Set(args.names) : "all") : new Set<string>();
    if (!args.update && args.names.length) fail("name root filesystems only with --update");
    const { resolved, tags } = await lockImages(RECIPES, { update, log });
    console.log(resolved.length ? `resolved from the mirror: ${resolved.join(", ")}` : "every root filesystem was already locked for its package list");
    for (const [name, tag] of Object.entries(tags)) console.log(`${name}\t${tag}`);
    return;
  }
  const unknown = args.names.filter((n) => !recipeByName(n));
  if (unknown.length) fail(`unknown image ${unknown.join(", ")}; valid: ${RECIPES.map((r) => r.name).join(", ")}`);
  const recipes = args.names.length ? args.names.map((n) => recipeByName(n)!) : [...RECIPES];
  const registry = registryFor(args);
  const debianLock = readDebianLock();
  if (args.command === "list") {
    const lock = readImagesLock();
    const stale = new Set(staleImages(recipes, debianLock, lock).map((s) => s.name));
    for (const r of recipes) {
      const tag = lock.images[r.name]?.tag;
      const ref = tag ? imageReference(registry, r.name, tag) : `${r.name}: no tag yet`;
      const tool = toolchainLabel(r, debianLock);
      console.log(`${ref}${tool ? `\t${tool}` : ""}${stale.has(r.name) ? "\t(stale: run `npm run images -- lock`)" : ""}`);
    }
    return;
  }
  const ctx = buildContext(debianLock, log);
  const total = Date.now();
  let failed = 0;
  for (const r of recipes) {
    console.error(`building ${r.name}`);
    try {
      const b = await buildImage(r, { registry, log, debianLock, context: ctx });
      console.log(
        `${b.name}\t${b.reference}\t${b.digest}\t${mib(b.archiveSize)} archive, ${mib(b.compressedSize)} compressed layers\t${b.seconds.toFixed(1)} s\t${b.archive}`,
      );
    } catch (err) {
      if (!(err instanceof ImageBuildError)) throw err;
      failed++;
      console.error(`images: ${r.name}: ${err.message}`);
      for (const d of err.details) console.error(d);
    }
  }
  console.error(`${recipes.length - failed} of ${recipes.length} images built in ${((Date.now() - total) / 1000).toFixed(1)} s`);
  if (failed) process.exit(1);
}

main().catch((err: unknown) => {
  if (err instanceof ImageBuildError) fail(err.message, err.details);
  if (err instanceof UserError) fail(err.message);
  throw err;
});
