/**
 * The trusted runner (`/usr/local/bin/faas-runner`) in every executor image, compiled from C with
 * the pinned gcc inside the C executor's own root filesystem (chroot through mmdebstrap, so root
 * and unshare modes both work). Same source and same locked gcc give the same binary; it is
 * cached by that pair.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { EXECUTOR_PATHS } from "../../service/contract/executor";
import { CACHE, REPO_ROOT } from "./constants";
import type { RootfsSpec } from "./debian/spec";
import { sha256Hex } from "./debian/spec";
import { detectMode, writeHook } from "./debian/mmdebstrap";
import { ImageBuildError } from "./errors";
import { runLogged } from "./exec";
import { type Layer, parentDirs, writeLayerTar } from "./layers";

/** The compiler command, run inside the toolchain root filesystem. */
export const RUNNER_CFLAGS = ["-static", "-O2", "-Wall"] as const;

export interface RunnerOptions {
  /** C source, relative to the repository (an absolute path is taken as is). @default "service/executor/runner.c" */
  readonly source?: string;
  /** Root filesystem with gcc and libc6-dev (the C executor's). */
  readonly toolchain: RootfsSpec;
}

function noSpace(path: string): string {
  if (/\s/.test(path)) throw new ImageBuildError(`${path}: mmdebstrap's copy hooks cannot take paths with whitespace; move the repository to a path without spaces`);
  return path;
}

export function runnerLayer(opts: RunnerOptions): Layer {
  const source = opts.source ?? "service/executor/runner.c";
  return {
    id: "faas-runner",
    createdBy: `gcc ${RUNNER_CFLAGS.join(" ")} -o ${EXECUTOR_PATHS.runner} ${basename(source)} (gcc from rootfs ${opts.toolchain.name})`,
    description: { kind: "runner", source, cflags: RUNNER_CFLAGS, dest: EXECUTOR_PATHS.runner, toolchain: opts.toolchain.name },
    inputs: [{ path: source }],
    rootfs: [opts.toolchain],
    build: async (ctx) => {
      const src = resolve(REPO_ROOT, source);
      if (!existsSync(src)) {
        throw new ImageBuildError(`${source} does not exist: the executor images need the trusted runner (service/executor/runner.c) and are never built without it`);
      }
      const toolchain = await ctx.rootfs(opts.toolchain);
      const code = readFileSync(src);
      const key = sha256Hex(JSON.stringify({ code: sha256Hex(code), toolchain: toolchain.key, cflags: RUNNER_CFLAGS })).slice(0, 16);
      const binary = join(CACHE.runner, `faas-runner-${key}`);
      if (!existsSync(binary)) {
        const work = join(CACHE.tmp, `runner-${process.pid}`);
        rmSync(work, { recursive: true, force: true });
        mkdirSync(join(work, "src"), { recursive: true });
        try {
          // Fixed in-chroot paths keep the binary independent of where the repository lives.
          const staged = join(work, "src", "runner.c");
          writeFileSync(staged, code);
          const prepare = writeHook(join(work, "hooks"), "prepare", ['mkdir -p "$ROOT/build"']);
          const compile = writeHook(join(work, "hooks"), "compile", [`chroot "$ROOT" /usr/bin/gcc ${RUNNER_CFLAGS.join(" ")} -o /build/faas-runner /build/runner.c`]);
          ctx.log(`compiling ${source} with the locked gcc of ${opts.toolchain.name}`);
          const mode = detectMode();
          const args = [
            `--mode=${mode}`,
            "--variant=custom",
            "--skip=update,output/dev,cleanup/reproducible",
            `--setup-hook=tar-in ${noSpace(toolchain.tar)} /`,
            `--customize-hook=${noSpace(prepare)}`,
            `--customize-hook=copy-in ${noSpace(staged)} /build`,
            `--customize-hook=${noSpace(compile)}`,
            `--customize-hook=copy-out /build/faas-runner ${noSpace(work)}`,
            "bookworm",
            "/dev/null",
          ];
          const r = await runLogged("mmdebstrap", args, { onLine: (l) => (/(warning|error):/.test(l) ? ctx.log(l) : undefined) });
          if (r.status !== 0 || !existsSync(join(work, "faas-runner"))) throw new ImageBuildError(`compiling ${source} failed (mmdebstrap ${mode} mode, exit ${r.status})`, r.tail.slice(-15));
          mkdirSync(CACHE.runner, { recursive: true });
          renameSync(join(work, "faas-runner"), binary);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      }
      return writeLayerTar(`faas-runner-${key}`, [...parentDirs(EXECUTOR_PATHS.runner), { type: "file", path: EXECUTOR_PATHS.runner, mode: 0o755, data: readFileSync(binary) }]);
    },
  };
}
