/**
 * `npm run deploy -- <environment> [--secrets-file <path>] [--plan] [--skip-verify]`: from nothing
 * to a running cluster with the workload, its images delivered and sign-in ready, then `verify`
 * (see src/cli/commands/deploy.ts, docs/deploy.md). Safe to run again; an interrupted run resumes.
 */
import { resolve } from "node:path";
import { deployMain } from "../src/cli/commands/deploy";
import { runEntry } from "../src/cli/io";

runEntry((argv, io) => deployMain(argv, io), resolve(__dirname, ".."));
