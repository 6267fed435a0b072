/**
 * docs/config.md is generated from the schema and the presets (`npm run docs:config`): it must be
 * current, and every field of every platform must be in it with a default.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { CONFIG_DOC, configDocs } from "../../scripts/config-docs";
import { builtImageTag } from "../../src/config/built-images";
import { PROJECT_ROOT } from "../support/cli";

describe("docs/config.md", () => {
  const generated = configDocs(PROJECT_ROOT);

  it("is what `npm run docs:config` writes from the schema (run it after changing a field)", () => {
    const committed = readFileSync(join(PROJECT_ROOT, CONFIG_DOC), "utf8");
    assert.ok(committed === generated, `${CONFIG_DOC} is stale: run \`npm run docs:config\` and commit the result`);
  });

  it("lists every field with a default, and the presets' own values", () => {
    const rows = generated.split("\n").filter((l) => l.startsWith("| `"));
    const cells = (field: string) => rows.find((r) => r.startsWith(`| \`${field}\` |`))?.split(" | ");
    // A field only the schema knows (no preset value, no @default) would read "unset" with no reason.
    assert.deepEqual(
      rows.filter((r) => / \| unset \| /.test(r)),
      [],
    );
    assert.match(cells("cluster.type")?.[2] ?? "", /^ack-managed: `managed`<br>ack-dedicated: `dedicated`<br>added: `managed`$/);
    assert.match(cells("region")?.[2] ?? "", /`eu-central-1`/);
    assert.match(cells("kubernetes.clusterDomain")?.[2] ?? "", /ack-dedicated: `k8s-majasi\.cluster`/);
    assert.match(cells("network.hostIp")?.[2] ?? "", /^the first host address of `cidr`$/, "an optional field shows its @default");
    assert.ok(rows.some((r) => r.startsWith('| `platform` | "ack" |')) && rows.some((r) => r.startsWith('| `platform` | "local" |')));
    assert.ok(rows.length > 150, `${rows.length} rows`);
    // Image tags change with every image build: the docs point at the lock instead of going stale.
    assert.match(cells("faas.executors.images.go")?.[2] ?? "", /^`192\.168\.60\.30:5000\/clusterkit\/executor-go:<tag in images\/images\.lock\.json>`$/);
    assert.ok(!generated.includes(builtImageTag("frontend")), "no built image tag in docs/config.md");
  });
});
