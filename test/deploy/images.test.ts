/**
 * Which configured images deploy builds and pushes, which it expects to exist, and which it
 * refuses (naming the field); archives are matched to the configured tag; the real pusher delivers
 * an archive to a real registry and a second delivery sends nothing new.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { archiveMatches, archivePath, imagePreflightProblems, planImages, registryPusher } from "../../src/deploy/images";
import { scratchDir } from "../support/cli";
import { ociArchive } from "../support/oci-fixture";
import { startRegistry, type TestRegistry } from "../support/registry";
import { itIf, missingTools } from "../support/requires";
import { testEnvironment } from "../support/synth-charts";

const built = (reg: string, name: string, tag = "t1") => `${reg}/clusterkit/${name}:${tag}`;
const localImages = (reg = "192.168.60.30:5000") => ({
  faas: {
    frontend: { image: built(reg, "frontend") },
    middleware: { image: built(reg, "middleware") },
    executors: { images: { go: built(reg, "executor-go"), javascript: built(reg, "executor-javascript"), c: built(reg, "executor-c") } },
  },
});

describe("image plan", () => {
  it("pushes the images named in the environment's registry under clusterkit/<the field's image>", () => {
    const plan = planImages(testEnvironment("local", localImages()));
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(
      plan.deliveries.map((d) => `${d.field} -> ${d.push.baseUrl} ${d.push.repository}:${d.push.tag}`),
      [
        "local.faas.frontend.image -> http://192.168.60.30:5000 clusterkit/frontend:t1",
        "local.faas.middleware.image -> http://192.168.60.30:5000 clusterkit/middleware:t1",
        "local.faas.executors.images.go -> http://192.168.60.30:5000 clusterkit/executor-go:t1",
        "local.faas.executors.images.javascript -> http://192.168.60.30:5000 clusterkit/executor-javascript:t1",
        "local.faas.executors.images.c -> http://192.168.60.30:5000 clusterkit/executor-c:t1",
      ],
    );
  });

  it("refuses a tag in another registry, or another image's name, naming the field; accepts a digest", () => {
    const env = testEnvironment("local", {
      faas: {
        ...localImages().faas,
        frontend: { image: "docker.io/acme/frontend:2.0" },
        middleware: { image: built("192.168.60.30:5000", "frontend") },
        executors: { images: { ...localImages().faas.executors.images, c: `docker.io/library/gcc@sha256:${"ab".repeat(32)}` } },
      },
    });
    const plan = planImages(env);
    assert.equal(plan.problems.length, 2);
    assert.match(plan.problems[0]!, /^local\.faas\.frontend\.image: docker\.io\/acme\/frontend:2\.0 is neither built/);
    assert.match(plan.problems[1]!, /^local\.faas\.middleware\.image: /);
    assert.deepEqual(plan.expected, [`docker.io/library/gcc@sha256:${"ab".repeat(32)}`]);
  });

  it("needs the registry login on ACK (never printing a value), and nothing locally", () => {
    const ack = testEnvironment("ack-managed", {
      faas: {
        frontend: { image: "registry-vpc.eu-central-1.aliyuncs.com/clusterkit/frontend:t1" },
        middleware: { image: `x.io/m@sha256:${"ab".repeat(32)}` },
        executors: {
          images: { go: `x.io/g@sha256:${"ab".repeat(32)}`, javascript: `x.io/j@sha256:${"ab".repeat(32)}`, c: `x.io/c@sha256:${"ab".repeat(32)}` },
        },
      },
    });
    const plan = planImages(ack);
    assert.equal(plan.deliveries[0]!.push.baseUrl, "https://registry.eu-central-1.aliyuncs.com");
    const root = scratchDir();
    assert.match(imagePreflightProblems(root, plan, {}, true).join("\n"), /needs a registry login/);
    assert.match(imagePreflightProblems(root, plan, { CLUSTERKIT_REGISTRY_USERNAME: "u" }, true).join("\n"), /only CLUSTERKIT_REGISTRY_USERNAME is set/);
    assert.deepEqual(imagePreflightProblems(root, plan, { CLUSTERKIT_REGISTRY_USERNAME: "u", CLUSTERKIT_REGISTRY_PASSWORD: "secret-value-1" }, true), []);
    assert.deepEqual(imagePreflightProblems(root, planImages(testEnvironment("local", localImages())), {}, true), []);
  });

  it("refuses to deliver what it can neither find built nor build", () => {
    const plan = planImages(testEnvironment("local", localImages()));
    const problems = imagePreflightProblems(scratchDir(), plan, {}, false);
    assert.equal(problems.length, 5);
    assert.match(problems[0]!, /local\.faas\.frontend\.image: .* build\/images\/frontend\.tar is missing and package\.json has no "images" script/);
  });
});

describe("archives and the real pusher", () => {
  const skip = missingTools(["docker-registry", "tar"], "apt-get install docker-registry");
  let registry: TestRegistry;
  beforeAll(async () => {
    if (!skip) registry = await startRegistry();
  });
  afterAll(async () => registry?.stop());

  itIf(skip, "matches an archive to the configured tag, and pushes it (twice: the second sends nothing)", async () => {
    const root = scratchDir();
    const plan = planImages(testEnvironment("local", localImages()));
    const d = { ...plan.deliveries[0]!, push: { ...plan.deliveries[0]!.push, baseUrl: registry.url } };
    mkdirSync(join(root, "build", "images"), { recursive: true });
    const stale = ociArchive({ layers: [{ "a.txt": "old" }], refName: built("192.168.60.30:5000", "frontend", "t0") });
    copyFileSync(stale.path, archivePath(root, "frontend"));
    assert.equal(archiveMatches(archivePath(root, "frontend"), d), false, "built for another tag");
    const fresh = ociArchive({ layers: [{ "a.txt": "new" }], refName: d.reference });
    copyFileSync(fresh.path, archivePath(root, "frontend"));
    assert.equal(archiveMatches(archivePath(root, "frontend"), d), true);
    const first = await registryPusher(archivePath(root, "frontend"), d, {}, () => undefined);
    assert.equal(first.digest, fresh.manifestDigest);
    assert.ok(first.blobsUploaded > 0);
    const second = await registryPusher(archivePath(root, "frontend"), d, {}, () => undefined);
    assert.deepEqual([second.blobsUploaded, second.manifestsPut], [0, 0]);
  });
});
