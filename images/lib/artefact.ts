/**
 * An application built by an npm script of this repository (the middleware's esbuild bundle, the
 * frontend's Next.js standalone output), packed as one layer. The build step runs the script,
 * then checks the artefact directory and its entry file before packing it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./constants";
import { ImageBuildError } from "./errors";
import { runLogged } from "./exec";
import type { InputSpec } from "./inputs";
import { type Layer, treeEntries, writeLayerTar } from "./layers";

export interface ArtefactOptions {
  readonly id: string;
  /** npm script that produces the artefact (run as `npm run -s <script>`). */
  readonly script: string;
  /** Repository-relative directory the script writes. */
  readonly dir: string;
  /** File that must exist in `dir` (the program the image starts). */
  readonly entry: string;
  /** Where the directory goes in the image. */
  readonly dest: string;
  /** Sources the artefact is built from (their hashes make the image tag). */
  readonly sources: readonly InputSpec[];
  /** Who writes the script, for the error when it is missing. */
  readonly owner: string;
  /** Run the script before packing. @default true (tests pass false with a prepared directory) */
  readonly runScript?: boolean;
  /** Repository root the script and directory are relative to. @default the repository */
  readonly root?: string;
}

function hasNpmScript(root: string, script: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return typeof pkg.scripts?.[script] === "string";
  } catch {
    return false;
  }
}

export function artefactLayer(opts: ArtefactOptions): Layer {
  const root = opts.root ?? REPO_ROOT;
  return {
    id: opts.id,
    createdBy: `npm run ${opts.script}; COPY ${opts.dir} ${opts.dest}`,
    description: { kind: "artefact", script: opts.script, dir: opts.dir, entry: opts.entry, dest: opts.dest },
    inputs: opts.sources,
    rootfs: [],
    build: async (ctx) => {
      if (opts.runScript ?? true) {
        if (!hasNpmScript(root, opts.script)) {
          throw new ImageBuildError(
            `package.json has no "${opts.script}" script yet (${opts.owner} adds it): the ${opts.id} image packs its output from ${opts.dir}/ and cannot be built without it`,
          );
        }
        ctx.log(`npm run ${opts.script}`);
        const r = await runLogged("npm", ["run", "-s", opts.script], { cwd: root });
        if (r.status !== 0) throw new ImageBuildError(`npm run ${opts.script} failed (exit ${r.status})`, r.tail.slice(-15));
      }
      const dir = join(root, opts.dir);
      const entry = join(dir, opts.entry);
      if (!existsSync(entry) || !statSync(entry).isFile()) {
        throw new ImageBuildError(`${opts.dir}/${opts.entry} does not exist after \`npm run ${opts.script}\`; the ${opts.id} image needs it (${opts.owner})`);
      }
      return writeLayerTar(opts.id, treeEntries(dir, opts.dest));
    },
  };
}
