/**
 * The kubeadm bootstrap token: the generator the local stack synthesizes, the token its seeds hand to
 * `kubeadm init`, the stack output deploy reads, and the Secret deploy re-creates from it must agree
 * on the token's shape and on the group kubeadm's join RBAC is bound to.
 */
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { describe, it } from "@jest/globals";
import { LOCAL_OUTPUTS } from "../../src/contracts/stack-outputs";
import { renewBootstrapToken } from "../../src/deploy/bootstrap-token";
import type { Kubectl } from "../../src/deploy/kubectl";
import type { Reporter } from "../../src/deploy/reporter";
import { KUBEADM_INIT_CONFIG } from "../../stacks/local/cloud-init/kubeadm";
import { synthLocal } from "../local/support";
import { localSides, nodeYaml } from "./sides";

interface RandomPassword {
  length: number;
  lower?: boolean;
  upper?: boolean;
  numeric?: boolean;
  special?: boolean;
}

/** A value the synthesized random_password could produce. */
function sample(p: RandomPassword): string {
  const alphabet = `${p.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz"}${p.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}${p.numeric === false ? "" : "0123456789"}${p.special === false ? "" : "!@#$%&*()-_=+[]{}<>:?"}`;
  return Array.from({ length: p.length }, () => alphabet[randomInt(alphabet.length)]).join("");
}

const silent: Reporter = { step() {}, info() {}, progress() {}, warn() {}, output() {} };

describe("bootstrap token: local stack ↔ kubeadm config ↔ deploy", () => {
  const { json, text } = synthLocal();
  const output = json.output[LOCAL_OUTPUTS.bootstrap_token]!.value as { id: string; secret: string };
  const resource = (ref: string) => {
    const m = /^\$\{random_password\.([^.}]+)\.result\}$/.exec(ref);
    assert.ok(m, `${ref} is a random_password result`);
    return { name: m[1]!, spec: json.resource["random_password"]![m[1]!] as unknown as RandomPassword };
  };
  const id = resource(output.id);
  const secret = resource(output.secret);

  it("the seeds give kubeadm the very token the output holds", () => {
    assert.ok(text.includes(`token: \${random_password.${id.name}.result}.\${random_password.${secret.name}.result}`), "kubeadm init's bootstrapTokens entry");
  });

  it("every token the stack can generate is one deploy renews, bound to the group kubeadm init binds", async () => {
    const applied: string[] = [];
    const kubectl = {
      readyz: async () => ({ code: 0, stdout: "ok", stderr: "" }),
      applyStdin: async (t: string) => (applied.push(t), { code: 0, stdout: "", stderr: "" }),
    } as unknown as Kubectl;
    for (let i = 0; i < 20; i++) {
      const token = { id: sample(id.spec), secret: sample(secret.spec) };
      assert.ok(await renewBootstrapToken(kubectl, async () => token, Date.UTC(2026, 0, 1), silent), `deploy renews ${token.id}.<secret>`);
    }
    const init = localSides().nodes.find((n) => n.role === "control-plane")!;
    const groups = (nodeYaml(init.userData, KUBEADM_INIT_CONFIG).find((d) => d.kind === "InitConfiguration") as { bootstrapTokens: { groups: string[] }[] })
      .bootstrapTokens[0]!.groups;
    for (const t of applied) assert.deepEqual([(JSON.parse(t) as { stringData: Record<string, string> }).stringData["auth-extra-groups"]], groups);
  });
});
