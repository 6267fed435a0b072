/**
 * Layer kinds a recipe is made of. Each layer says what determines it (a description, source
 * inputs, root filesystems it needs) — hashed into the image tag — and how to build its
 * uncompressed tar. New kinds (e.g. benchmark workloads) implement the same interface.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import type { BuiltRootfs } from "./debian/rootfs";
import { DEBIAN_SUITE, type RootfsSpec } from "./debian/spec";
import { CACHE, REPO_ROOT, SOURCE_DATE_EPOCH } from "./constants";
import type { InputSpec } from "./inputs";
import { tarBuffer, type TarEntry } from "./tar";

export interface BuildContext {
  readonly log: (line: string) => void;
  /** The root filesystem tar for a spec, built with its locked packages (or from the cache). */
  rootfs(spec: RootfsSpec): Promise<BuiltRootfs>;
}

export interface Layer {
  /** Short name, unique within an image (history comment, cache file names). */
  readonly id: string;
  /** Shown by `podman history` / `docker history`. */
  readonly createdBy: string;
  /** Everything besides `inputs` and root filesystems that determines the bytes (JSON). */
  readonly description: unknown;
  /** Repository files packed into (or compiled into) the layer. */
  readonly inputs: readonly InputSpec[];
  /** Root filesystems used to build it; their locked packages are part of the tag. */
  readonly rootfs: readonly RootfsSpec[];
  /** Writes the uncompressed layer tar and returns its path. */
  build(ctx: BuildContext): Promise<string>;
}

/** Writes an in-memory layer to the cache under a content-derived name. */
export function writeLayerTar(id: string, entries: readonly TarEntry[]): string {
  const data = tarBuffer(entries, SOURCE_DATE_EPOCH);
  const path = join(CACHE.layers, `${id}-${createHash("sha256").update(data).digest("hex").slice(0, 16)}.tar`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

/** Directory entries for every parent of `path` (absolute, in the image), root excluded. */
export function parentDirs(path: string): TarEntry[] {
  const parts = posix.dirname(path).split("/").filter(Boolean);
  return parts.map((_, i) => ({ type: "dir" as const, path: parts.slice(0, i + 1).join("/"), mode: 0o755 }));
}

/**
 * Entries for a directory tree placed at `dest`: names sorted, owner root, modes normalised
 * (0755 when any execute bit is set, else 0644), symlinks kept, times fixed by the writer.
 */
export function treeEntries(dir: string, dest: string): TarEntry[] {
  const out: TarEntry[] = [...parentDirs(`${dest}/x`)];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const a = join(abs, name);
      const r = posix.join(rel, name);
      const st = lstatSync(a);
      if (st.isSymbolicLink()) out.push({ type: "symlink", path: r, target: readlinkSync(a) });
      else if (st.isDirectory()) {
        out.push({ type: "dir", path: r, mode: 0o755 });
        walk(a, r);
      } else if (st.isFile()) out.push({ type: "file", path: r, mode: st.mode & 0o111 ? 0o755 : 0o644, data: readFileSync(a) });
    }
  };
  walk(dir, dest.replace(/^\/+/, ""));
  return out;
}

/** The root filesystem as the image's first layer. */
export function rootfsLayer(spec: RootfsSpec): Layer {
  return {
    id: `rootfs-${spec.name}`,
    createdBy: `mmdebstrap --variant=${spec.variant} --include=${spec.include.join(",")} ${DEBIAN_SUITE} (locked: images/debian.lock.json#${spec.name})`,
    description: { kind: "rootfs", name: spec.name },
    inputs: [],
    rootfs: [spec],
    build: async (ctx) => (await ctx.rootfs(spec)).tar,
  };
}

/** Files from a directory of the repository (fixtures, benchmark workloads, test apps). */
export function directoryLayer(id: string, dir: string, dest: string): Layer {
  return {
    id,
    createdBy: `COPY ${dir} ${dest}`,
    description: { kind: "directory", dir, dest },
    inputs: [{ path: dir }],
    rootfs: [],
    build: async () => writeLayerTar(id, treeEntries(join(REPO_ROOT, dir), dest)),
  };
}
