/**
 * `npm run synth` (scripts/synth.mjs bundles and runs this file) and the app behind the cdktf and
 * cdk8s CLIs: see src/cli/commands/synth.ts.
 */
import { resolve } from "node:path";
import { synthMain } from "./cli/commands/synth";
import { runEntry } from "./cli/io";

// The bundle (build/main.js) and this file both sit one folder below the project root.
runEntry(synthMain, resolve(__dirname, ".."));
