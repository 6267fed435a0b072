/** `npm run -s config -- <environment>` (see src/cli/commands/config.ts). */
import { resolve } from "node:path";
import { configMain } from "./commands/config";
import { runEntry } from "./io";

runEntry(configMain, resolve(__dirname, "..", ".."));
