/**
 * A C program compiled `-static` with the pinned gcc inside a locked toolchain root filesystem
 * (chroot through mmdebstrap, so root and unshare modes both work), packed as one layer holding
 * the binary. Same source and same locked gcc give the same binary; it is cached by that pair.
 * The executors' trusted runner and the runtime benchmark's workload are built this way.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CACHE, REPO_ROOT } from "./constants";
import type { RootfsSpec } from "./debian/spec";
import { sha256Hex } from "./debian/spec";
import { detectMode, writeHook } from "./debian/mmdebstrap";
import { ImageBuildError } from "./errors";
import { runLogged } from "./exec";
import { type BuildContext, type Layer, parentDirs, writeLayerTar } from "./layers";

/** The compiler flags every static program is built with. */
export const STATIC_CFLAGS = ["-static", "-O2", "-Wall"] as const;

export interface StaticProgramOptions {
  /** Layer id; also the cache file prefix. */
  readonly id: string;
  /** C source, relative to the repository (an absolute path is taken as is). */
  readonly source: string;
  /** Absolute path of the binary in the image. */
  readonly dest: string;
  /** Root filesystem with gcc and libc6-dev. */
  readonly toolchain: RootfsSpec;
  /** Why the image needs the source, for the error when it is missing. */
  readonly missing: string;
}

function noSpace(path: string): string {
  if (/\s/.test(path))
    throw new ImageBuildError(`${path}: mmdebstrap's copy hooks cannot take paths with whitespace; move the repository to a path without spaces`);
  return path;
}

/** Compiles `opts.source` (or takes it from the cache) and returns the binary's path. */
export async function compileStatic(ctx: BuildContext, opts: StaticProgramOptions): Promise<string> {
  const src = resolve(REPO_ROOT, opts.source);
  if (!existsSync(src)) throw new ImageBuildError(`${opts.source} does not exist: ${opts.missing}`);
  const toolchain = await ctx.rootfs(opts.toolchain);
  const code = readFileSync(src);
  const key = sha256Hex(JSON.stringify({ code: sha256Hex(code), toolchain: toolchain.key, cflags: STATIC_CFLAGS })).slice(0, 16);
  const binary = join(CACHE.runner, `${opts.id}-${key}`);
  if (existsSync(binary)) return binary;
  const work = join(CACHE.tmp, `${opts.id}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "src"), { recursive: true });
  try {
    // Fixed in-chroot paths keep the binary independent of where the repository lives.
    const staged = join(work, "src", "program.c");
    writeFileSync(staged, code);
    const prepare = writeHook(join(work, "hooks"), "prepare", ['mkdir -p "$ROOT/build"']);
    const compile = writeHook(join(work, "hooks"), "compile", [`chroot "$ROOT" /usr/bin/gcc ${STATIC_CFLAGS.join(" ")} -o /build/program /build/program.c`]);
    ctx.log(`compiling ${opts.source} with the locked gcc of ${opts.toolchain.name}`);
    const mode = detectMode();
    const args = [
      `--mode=${mode}`,
      "--variant=custom",
      "--skip=update,output/dev,cleanup/reproducible",
      `--setup-hook=tar-in ${noSpace(toolchain.tar)} /`,
      `--customize-hook=${noSpace(prepare)}`,
      `--customize-hook=copy-in ${noSpace(staged)} /build`,
      `--customize-hook=${noSpace(compile)}`,
      `--customize-hook=copy-out /build/program ${noSpace(work)}`,
      "bookworm",
      "/dev/null",
    ];
    const r = await runLogged("mmdebstrap", args, { onLine: (l) => (/(warning|error):/.test(l) ? ctx.log(l) : undefined) });
    if (r.status !== 0 || !existsSync(join(work, "program")))
      throw new ImageBuildError(`compiling ${opts.source} failed (mmdebstrap ${mode} mode, exit ${r.status})`, r.tail.slice(-15));
    mkdirSync(CACHE.runner, { recursive: true });
    renameSync(join(work, "program"), binary);
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function staticProgramLayer(opts: StaticProgramOptions): Layer {
  return {
    id: opts.id,
    createdBy: `gcc ${STATIC_CFLAGS.join(" ")} -o ${opts.dest} ${basename(opts.source)} (gcc from rootfs ${opts.toolchain.name})`,
    description: { kind: "static-program", source: opts.source, cflags: STATIC_CFLAGS, dest: opts.dest, toolchain: opts.toolchain.name },
    inputs: [{ path: opts.source }],
    rootfs: [opts.toolchain],
    build: async (ctx) => {
      const binary = await compileStatic(ctx, opts);
      return writeLayerTar(`${opts.id}-${basename(binary)}`, [
        ...parentDirs(opts.dest),
        { type: "file", path: opts.dest.replace(/^\/+/, ""), mode: 0o755, data: readFileSync(binary) },
      ]);
    },
  };
}
