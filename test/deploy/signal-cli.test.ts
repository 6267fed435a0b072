/**
 * SIGTERM to `npm run deploy` (the real CLI) while terraform applies: terraform receives its clean
 * stop (one SIGINT, never a kill), deploy waits for it to save its state, then exits 143 with one
 * clear message and removes its lock. Before, terraform died without saving state.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe } from "@jest/globals";
import { configFile, PROJECT_ROOT, scratchDir } from "../support/cli";
import { itIf } from "../support/requires";
import { stubBin } from "./fakes";

const TERRAFORM = `case "$1" in
  apply)
    trap 'echo INT >> "$TF_TEST_MARK/signals"; sleep 0.3; echo saved > "$TF_TEST_MARK/saved"; exit 1' INT
    trap 'echo TERM >> "$TF_TEST_MARK/signals"' TERM
    echo "$$" > "$TF_TEST_MARK/applying"
    while :; do sleep 0.05; done ;;
  *) exit 0 ;;
esac`;

describe("SIGTERM during deploy (real CLI)", () => {
  itIf(
    process.platform === "win32" ? "POSIX signals" : undefined,
    "reaches terraform as one SIGINT, is waited for, and ends in exit 143 with the state saved and the lock gone",
    async () => {
      const root = scratchDir();
      const mark = scratchDir("clusterkit-mark-");
      // Images pinned by digest: nothing to build or push, so the run reaches terraform at once.
      const pinned = (name: string) => `docker.io/example/${name}@sha256:${"a".repeat(64)}`;
      const config = configFile({
        "ack-managed": {
          webApp: { host: "web.acme.io" },
          faas: {
            oauth2Proxy: { redirectUrl: "https://faas.acme.io/oauth2/callback", emailDomains: ["acme.io"] },
            frontend: { image: pinned("frontend") },
            middleware: { image: pinned("middleware") },
            executors: { images: { go: pinned("go"), javascript: pinned("js"), c: pinned("c") } },
          },
        },
      });
      const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts/deploy.ts"), "ack-managed"], {
        cwd: PROJECT_ROOT,
        env: {
          PATH: `${stubBin({ terraform: TERRAFORM, kubectl: "" })}:${process.env.PATH}`,
          HOME: scratchDir("clusterkit-home-"),
          CLUSTERKIT_ROOT: root,
          CLUSTERKIT_CONFIG: config,
          TF_TEST_MARK: mark,
          ALICLOUD_ACCESS_KEY: "LTAIexample",
          ALICLOUD_SECRET_KEY: "secret-key-never-printed",
          OAUTH2_PROXY_CLIENT_ID: "id",
          OAUTH2_PROXY_CLIENT_SECRET: "client-secret-value",
          OAUTH2_PROXY_COOKIE_SECRET: "0123456789abcdef0123456789abcdef",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      let ended = false;
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => ((ended = true), resolve(code))));
      const deadline = Date.now() + 60_000;
      while (!existsSync(join(mark, "applying")) && !ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(existsSync(join(mark, "applying")), `terraform apply never started:\n${stderr}`);
      assert.ok(existsSync(join(root, "state/ack-managed/deploy.lock")), "deploy holds the lock while terraform runs");
      child.kill("SIGTERM");
      const code = await exited;

      assert.equal(code, 143, stderr);
      assert.equal(readFileSync(join(mark, "signals"), "utf8"), "INT\n", "terraform got exactly one SIGINT, no SIGTERM");
      assert.ok(existsSync(join(mark, "saved")), "deploy waited for terraform to save its state");
      assert.match(stderr, /SIGTERM received: stopping after the running command finishes cleanly/);
      assert.match(
        stderr,
        /clusterkit: interrupted by SIGTERM during terraform apply\n {2}- terraform stopped cleanly; its state is saved \(state\/ack-managed\/terraform\.tfstate\)/,
      );
      assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
      assert.doesNotMatch(stderr, /secret-key-never-printed|client-secret-value/);
      assert.ok(!existsSync(join(root, "state/ack-managed/deploy.lock")), "lock released");
    },
    120_000,
  );
});
