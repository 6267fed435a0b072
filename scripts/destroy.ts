/** `npm run destroy -- <environment> [--yes]`: deletes everything `deploy` created for it (see docs/deploy.md). */
import { resolve } from "node:path";
import { destroyMain } from "../src/cli/commands/deploy";
import { runEntry } from "../src/cli/io";

runEntry((argv, io) => destroyMain(argv, io), resolve(__dirname, ".."));
