/**
 * Builds images from recipes into build/images/<name>.tar, and refreshes the locks.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE, IMAGE_NAMESPACE, PATHS, SOURCE_DATE_EPOCH } from "./constants";
import { type DebianLock, lockedRootfs, lockMatchesSpec, readDebianLock, writeDebianLock } from "./debian/lock";
import { buildRootfs, type BuiltRootfs, resolveRootfs } from "./debian/rootfs";
import type { RootfsSpec } from "./debian/spec";
import { ImageBuildError } from "./errors";
import type { BuildContext } from "./layers";
import { type CompressedLayer, compressLayer, type WrittenImage, writeOciArchive } from "./oci";
import { type ImageRecipe, recipeRootfs } from "./recipe";
import { computeTag, readImagesLock, staleImages, writeImagesLock } from "./tags";

export function imageReference(registry: string, name: string, tag: string): string {
  return `${registry.replace(/\/+$/, "")}/${IMAGE_NAMESPACE}/${name}:${tag}`;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Compresses a layer tar once; later builds (and other images with the same layer) reuse it. */
async function compressCached(tarPath: string): Promise<CompressedLayer> {
  const diff = await fileSha256(tarPath);
  const meta = join(CACHE.layers, `${diff}.json`);
  const blob = join(CACHE.layers, `${diff}.tar.gz`);
  if (existsSync(meta) && existsSync(blob)) return { ...(JSON.parse(readFileSync(meta, "utf8")) as Omit<CompressedLayer, "path">), path: blob };
  const layer = await compressLayer(tarPath, blob);
  if (layer.diffId !== `sha256:${diff}`) throw new ImageBuildError(`${tarPath} changed while it was being compressed`);
  writeFileSync(meta, JSON.stringify({ digest: layer.digest, diffId: layer.diffId, size: layer.size }));
  return layer;
}

export interface BuildResult extends WrittenImage {
  readonly name: string;
  readonly tag: string;
  readonly archive: string;
  readonly seconds: number;
}

/** A build context whose root filesystems are built once per run and shared by images. */
export function buildContext(debianLock: DebianLock, log: (line: string) => void): BuildContext {
  const built = new Map<string, Promise<BuiltRootfs>>();
  return {
    log,
    rootfs(spec: RootfsSpec) {
      let p = built.get(spec.name);
      if (!p) {
        p = buildRootfs(spec, lockedRootfs(debianLock, spec), log);
        built.set(spec.name, p);
      }
      return p;
    },
  };
}

export interface BuildOptions {
  /** Registry host (and optional path) the reference names, e.g. `192.168.60.30:5000`. */
  readonly registry: string;
  readonly log: (line: string) => void;
  /** Where archives go. @default build/images */
  readonly outDir?: string;
  readonly debianLock?: DebianLock;
  /** Tag to use instead of the images lock's (tests building modified recipes). */
  readonly tag?: string;
  readonly context?: BuildContext;
}

/** The toolchain label: locked versions of the packages a recipe names. */
export function toolchainLabel(recipe: ImageRecipe, debianLock: DebianLock): string | undefined {
  if (!recipe.toolchain?.length) return undefined;
  const packages = recipeRootfs(recipe).flatMap((s) => debianLock.rootfs[s.name]?.packages ?? []);
  return recipe.toolchain.map((name) => `${name} ${packages.find((p) => p.name === name)?.version ?? "?"}`).join(", ");
}

export async function buildImage(recipe: ImageRecipe, opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const debianLock = opts.debianLock ?? readDebianLock();
  for (const spec of recipeRootfs(recipe)) lockedRootfs(debianLock, spec);
  let tag = opts.tag;
  if (!tag) {
    const recorded = readImagesLock().images[recipe.name]?.tag;
    tag = computeTag(recipe, debianLock);
    if (recorded !== tag)
      throw new ImageBuildError(
        `images/images.lock.json is stale for ${recipe.name} (recorded ${recorded ?? "nothing"}, inputs hash to ${tag}); run \`npm run images -- lock\` and commit it, so the charts reference what you build`,
      );
  }
  const ctx = opts.context ?? buildContext(debianLock, opts.log);
  const layers = [];
  for (const layer of recipe.layers) {
    const tar = await layer.build(ctx);
    const compressed = await compressCached(tar);
    layers.push({ ...compressed, createdBy: layer.createdBy, comment: layer.id });
  }
  const toolchain = toolchainLabel(recipe, debianLock);
  const labels: Record<string, string> = {
    ...recipe.config.labels,
    "org.opencontainers.image.title": recipe.name,
    "org.opencontainers.image.description": recipe.description,
    "org.opencontainers.image.version": tag,
    ...(toolchain ? { "io.clusterkit.toolchain": toolchain } : {}),
  };
  const reference = imageReference(opts.registry, recipe.name, tag);
  const archive = join(opts.outDir ?? PATHS.output, `${recipe.name}.tar`);
  const written = writeOciArchive(archive, { reference, config: { ...recipe.config, labels }, layers, created: SOURCE_DATE_EPOCH });
  return { ...written, name: recipe.name, tag, archive, seconds: (Date.now() - started) / 1000 };
}

export interface LockOptions {
  /** Re-resolve these root filesystems from the mirror even when their spec did not change. */
  readonly update: ReadonlySet<string> | "all";
  readonly log: (line: string) => void;
}

/**
 * Resolves every root filesystem whose spec is new or changed (and those named in `update`)
 * against the mirror, then recomputes every image tag.
 */
export async function lockImages(recipes: readonly ImageRecipe[], opts: LockOptions): Promise<{ resolved: string[]; tags: Record<string, string> }> {
  const current = readDebianLock();
  const rootfs: Record<string, DebianLock["rootfs"][string]> = { ...current.rootfs };
  const specs = new Map<string, RootfsSpec>();
  for (const r of recipes) for (const s of recipeRootfs(r)) specs.set(s.name, s);
  const resolved: string[] = [];
  for (const spec of specs.values()) {
    const want = opts.update === "all" || opts.update.has(spec.name) || !lockMatchesSpec(current.rootfs[spec.name], spec);
    if (!want) continue;
    opts.log(`resolving root filesystem ${spec.name} against the Debian mirror`);
    rootfs[spec.name] = await resolveRootfs(spec, opts.log);
    resolved.push(spec.name);
    // Written after each one, so an interrupted lock keeps what it resolved.
    writeDebianLock({ suite: current.suite, rootfs });
  }
  for (const name of Object.keys(rootfs)) if (!specs.has(name)) delete rootfs[name];
  const lock: DebianLock = { suite: current.suite, rootfs };
  writeDebianLock(lock);
  const tags = Object.fromEntries(recipes.map((r) => [r.name, computeTag(r, lock)]));
  writeImagesLock(tags);
  return { resolved, tags };
}

export { staleImages, readImagesLock };
