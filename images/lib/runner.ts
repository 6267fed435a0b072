/**
 * The trusted runner (`/usr/local/bin/faas-runner`) in every executor image, compiled from C with
 * the pinned gcc inside the C executor's own root filesystem (static-program.ts), so the binary
 * does not depend on the host's compiler.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { EXECUTOR_PATHS } from "../../service/contract/executor";
import type { RootfsSpec } from "./debian/spec";
import { type Layer, parentDirs, writeLayerTar } from "./layers";
import { compileStatic, STATIC_CFLAGS } from "./static-program";

/** The compiler command, run inside the toolchain root filesystem. */
const RUNNER_CFLAGS = STATIC_CFLAGS;

export interface RunnerOptions {
  /** C source, relative to the repository (an absolute path is taken as is). @default "service/executor/runner.c" */
  readonly source?: string;
  /** Root filesystem with gcc and libc6-dev (the C executor's). */
  readonly toolchain: RootfsSpec;
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
      const binary = await compileStatic(ctx, {
        id: "faas-runner",
        source,
        dest: EXECUTOR_PATHS.runner,
        toolchain: opts.toolchain,
        missing: "the executor images need the trusted runner (service/executor/runner.c) and are never built without it",
      });
      return writeLayerTar(basename(binary), [
        ...parentDirs(EXECUTOR_PATHS.runner),
        { type: "file", path: EXECUTOR_PATHS.runner, mode: 0o755, data: readFileSync(binary) },
      ]);
    },
  };
}
