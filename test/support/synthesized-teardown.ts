/** jest `globalTeardown`: removes the folder synthesized-setup.ts synthesized into. */
import { rmSync } from "node:fs";
import { SYNTHESIZED_ROOT_VARIABLE } from "./synthesized-setup";

export default function globalTeardown(): void {
  const root = process.env[SYNTHESIZED_ROOT_VARIABLE];
  if (root) rmSync(root, { recursive: true, force: true });
}
