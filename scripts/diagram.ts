/** `npm run diagram -- <environment>`: draws diagrams/<environment>/architecture.svg and .png (see docs/diagram.md). */
import { resolve } from "node:path";
import { diagramMain } from "../src/cli/commands/diagram";
import { runEntry } from "../src/cli/io";

runEntry(diagramMain, resolve(__dirname, ".."));
