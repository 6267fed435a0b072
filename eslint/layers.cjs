/**
 * The layers of the code, as data: which folders may import which. `eslint.config.cjs` turns this
 * into `no-restricted-imports` patterns; docs/architecture.md explains the why.
 *
 * - core: the environment model, the contracts, the cdktf/cdk8s wrappers and errors. Imports
 *   nothing else of ours except the service's contract (and the images lock, a data file).
 * - infra: stacks and charts. Import only the core; never each other, never the app.
 * - app: synthesis composes stacks and charts; everything else in src/ (deploy, verify, diagram,
 *   ...) reaches stacks and charts only through the contracts.
 * - service: the service's contract imports nothing of ours; the middleware only that contract.
 * scripts/, images/ and test/ sit on top and may import anything.
 */

const CORE = ["src/config", "src/contracts", "src/lib", "src/errors.ts", "service/contract", "images/images.lock.json"];

/** @type {{ name: string, folders: string[], allowed: string[], why: string }[]} */
const LAYERS = [
  {
    name: "core",
    folders: ["src/config", "src/contracts", "src/lib", "src/errors.ts"],
    allowed: CORE,
    why: "core imports only the core (src/config, src/contracts, src/lib, src/errors.ts) and service/contract",
  },
  { name: "infra (stacks)", folders: ["stacks"], allowed: [...CORE, "stacks", ".gen"], why: "stacks import only the core, never charts/ or the app layer" },
  { name: "infra (charts)", folders: ["charts"], allowed: [...CORE, "charts"], why: "charts import only the core, never stacks/ or the app layer" },
  {
    name: "app (synth)",
    folders: ["src/synth"],
    allowed: ["src", "charts", "stacks", "service/contract", "images"],
    why: "synthesis composes stacks and charts; it never imports tests",
  },
  {
    name: "app",
    folders: ["src/deploy", "src/verify", "src/diagram", "src/cli", "src/bench", "src/box", "src/registry", "src/analysis", "src/main.ts"],
    allowed: ["src", "scripts", "images", "service/contract"],
    why: "the app layer reaches stacks/ and charts/ only through src/contracts (src/synth builds them)",
  },
  { name: "service contract", folders: ["service/contract"], allowed: ["service/contract"], why: "the service's contract imports nothing else of ours" },
  {
    name: "service middleware",
    folders: ["service/middleware"],
    allowed: ["service/middleware", "service/contract"],
    why: "the middleware imports only the service's contract",
  },
];

module.exports = { LAYERS };
