/** Every image this repository builds, by name. Add a recipe file and list it here. */
import type { ImageRecipe } from "../lib/recipe";
import benchCpu from "./bench-cpu";
import benchIo from "./bench-io";
import benchLoadgen from "./bench-loadgen";
import benchNet from "./bench-net";
import executorC from "./executor-c";
import executorGo from "./executor-go";
import executorJavascript from "./executor-javascript";
import frontend from "./frontend";
import middleware from "./middleware";

export const RECIPES: readonly ImageRecipe[] = [executorC, executorGo, executorJavascript, middleware, frontend, benchCpu, benchIo, benchNet, benchLoadgen];

export function recipeByName(name: string): ImageRecipe | undefined {
  return RECIPES.find((r) => r.name === name);
}
