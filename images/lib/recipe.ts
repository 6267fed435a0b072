/**
 * A recipe is one image: its layers (the first is a Debian root filesystem) and its config. One
 * small file per image under images/recipes/; add a file and list it in images/recipes/index.ts
 * to build another image.
 */
import { relative } from "node:path";
import { REPO_ROOT } from "./constants";
import type { RootfsSpec } from "./debian/spec";
import type { ImageConfig } from "./oci";
import type { Layer } from "./layers";

export interface ImageRecipe {
  /** Image name: the reference is `<registry>/clusterkit/<name>:<tag>`. */
  readonly name: string;
  readonly description: string;
  /** Repository-relative path of the recipe file (hashed into the tag). */
  readonly file: string;
  readonly layers: readonly Layer[];
  readonly config: ImageConfig;
  /**
   * Debian packages whose locked versions users care about (the language toolchain); recorded in
   * the `io.clusterkit.toolchain` label and printed by `npm run images -- list`.
   */
  readonly toolchain?: readonly string[];
}

export function defineRecipe(file: string, recipe: Omit<ImageRecipe, "file">): ImageRecipe {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(recipe.name)) throw new Error(`recipe name ${recipe.name} must be a DNS label`);
  return { ...recipe, file: relative(REPO_ROOT, file) };
}

/** Every root filesystem a recipe needs (its own and those its layers build with), de-duplicated. */
export function recipeRootfs(recipe: ImageRecipe): RootfsSpec[] {
  const seen = new Map<string, RootfsSpec>();
  for (const layer of recipe.layers) for (const spec of layer.rootfs) seen.set(spec.name, spec);
  return [...seen.values()];
}
