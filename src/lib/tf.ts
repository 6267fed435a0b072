/**
 * The one place that imports CDK for Terraform.
 *
 * cdktf was archived by HashiCorp on 2025-12-10 (0.21.0 is final). Its maintained fork, CDK Terrain,
 * publishes the same API as `cdktn`; moving to it means changing the module name below (and the
 * package.json dependency), nothing else.
 */
export * from "cdktf";

// Every cdktf token (each resource attribute reference, Lazy, Fn call) records the full stack at its
// creation, only to quote it in the error for a token that cannot be resolved. Under source maps
// (tsx, jest) each capture costs as much as the rest of the token's work; synthesis here creates
// thousands. Our errors never show stack traces anyway (see src/errors.ts), so the capture is
// switched off. cdktf 0.21.0 is final (archived), so this private module cannot move under us; if
// it ever did, the guard leaves cdktf as it is.
const stackTrace = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace?: unknown };
if (typeof stackTrace.captureStackTrace === "function") stackTrace.captureStackTrace = (): string[] => [];
