/** `npm run logs -- <node> [--follow]`: a local VM's bootstrap log (see src/cli/commands/ssh.ts). */
import { resolve } from "node:path";
import { logsMain } from "../src/cli/commands/ssh";
import { runEntry } from "../src/cli/io";

runEntry(logsMain, resolve(__dirname, ".."));
