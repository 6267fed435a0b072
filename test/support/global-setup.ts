/**
 * jest `globalSetup`, once per run before any test file: every environment synthesized with the
 * default configuration (synthesized-setup.ts) and @kubernetes/client-node bundled for fast
 * loading (bundled-client-node.ts).
 */
import { ensureClientNodeBundle } from "./bundled-client-node";
import { SYNTHESIZED_ROOT_VARIABLE, synthesizeDefaults } from "./synthesized-setup";

export default function globalSetup(): void {
  ensureClientNodeBundle();
  process.env[SYNTHESIZED_ROOT_VARIABLE] = synthesizeDefaults();
}
