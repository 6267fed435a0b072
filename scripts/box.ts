/** `npm run box [-- --force | --check]`: the local base box (see src/cli/commands/box.ts, docs/local.md). */
import { resolve } from "node:path";
import { boxMain } from "../src/cli/commands/box";
import { runEntry } from "../src/cli/io";

runEntry((argv, io) => boxMain(argv, io), resolve(__dirname, ".."));
