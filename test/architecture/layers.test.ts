/**
 * The layer rule (eslint.config.cjs, eslint/layers.cjs) refuses what it must and allows what it
 * should: synthetic files, linted in-process as if they lay in a layer's folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { ESLint, type Linter } from "eslint";
import { PROJECT_ROOT } from "../support/cli";

const config = require("../../eslint.config.cjs") as Linter.Config[];
const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfigFile: true, overrideConfig: config });

/** Messages the layer rule gives `code` placed at `file` (project-relative). */
async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(PROJECT_ROOT, file) });
  assert.ok(result, `${file} was linted`);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const CASES: { file: string; from: string; refused: boolean }[] = [
  // core
  { file: "src/config/synthetic.ts", from: "../../charts/platform/web", refused: true },
  { file: "src/config/synthetic.ts", from: "../../stacks/local/local-stack", refused: true },
  { file: "src/config/synthetic.ts", from: "../deploy/deploy", refused: true },
  { file: "src/contracts/synthetic.ts", from: "../synth/stack-outputs", refused: true },
  { file: "src/config/synthetic.ts", from: "../config/../deploy/deploy", refused: true },
  { file: "src/config/synthetic.ts", from: "../contracts/ports", refused: false },
  { file: "src/config/synthetic.ts", from: "../errors", refused: false },
  { file: "src/config/synthetic.ts", from: "../../service/contract/executor", refused: false },
  { file: "src/config/synthetic.ts", from: "../../images/images.lock.json", refused: false },
  { file: "src/config/synthetic.ts", from: "../../images/lib/oci", refused: true },
  // infra
  { file: "charts/faas/synthetic.ts", from: "../../stacks/local/nodes", refused: true },
  { file: "charts/faas/synthetic.ts", from: "../../src/synth/stack-outputs", refused: true },
  { file: "charts/faas/synthetic.ts", from: "../shared/workload", refused: false },
  { file: "charts/faas/synthetic.ts", from: "../../src/contracts/secrets", refused: false },
  { file: "stacks/local/cloud-init/synthetic.ts", from: "../../../charts/runtime-classes", refused: true },
  { file: "stacks/local/cloud-init/synthetic.ts", from: "../../../src/deploy/deploy", refused: true },
  { file: "stacks/ack/synthetic.ts", from: "../../.gen/providers/alicloud/vpc", refused: false },
  // app
  { file: "src/deploy/synthetic.ts", from: "../../charts/platform/web", refused: true },
  { file: "src/verify/checks/synthetic.ts", from: "../../../stacks/local/nodes", refused: true },
  { file: "src/deploy/synthetic.ts", from: "../synth/synth", refused: false },
  { file: "src/synth/synthetic.ts", from: "../../charts", refused: false },
  { file: "src/synth/synthetic.ts", from: "../../test/support/cli", refused: true },
  // the service
  { file: "service/contract/synthetic.ts", from: "../../src/config/schema", refused: true },
  { file: "service/middleware/synthetic.ts", from: "../contract/executor", refused: false },
];

describe("layer rule", () => {
  for (const c of CASES) {
    it(`${c.refused ? "refuses" : "allows"} ${c.from} in ${c.file}`, async () => {
      const found = await problems(c.file, `import { x } from "${c.from}";\nexport const y = x;\n`);
      if (!c.refused) return assert.deepEqual(found, []);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0]!, /^no-restricted-imports: /);
    });
  }

  it("names the layer and the rule in its message", async () => {
    const [message] = await problems("src/config/synthetic.ts", `export { CHART_IDS } from "../../charts/platform/web";\n`);
    assert.match(message ?? "", /core: core imports only the core .* \(eslint\/layers\.cjs\)/);
  });
});
