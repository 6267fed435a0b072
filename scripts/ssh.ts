/** `npm run ssh -- <node> [-- <command>...]`: a shell on a local VM (see src/cli/commands/ssh.ts). */
import { resolve } from "node:path";
import { sshMain } from "../src/cli/commands/ssh";
import { runEntry } from "../src/cli/io";

runEntry(sshMain, resolve(__dirname, ".."));
