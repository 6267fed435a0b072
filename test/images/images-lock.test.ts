/**
 * The images the charts reference are the images this repository builds: the tag lock is fresh
 * for the current sources, every default service image is a recipe's (or pinned upstream), and
 * tags move when any input moves.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "@jest/globals";
import { APP_UID } from "../../charts/faas/frontend";
import { EXECUTOR_UID } from "../../charts/faas/executors";
import { IMAGE_UID, REPO_ROOT } from "../../images/lib/constants";
import { type DebianLock, lockMatchesSpec, readDebianLock } from "../../images/lib/debian/lock";
import { rootfsLayer } from "../../images/lib/layers";
import { NODE_22 } from "../../images/lib/node-binary";
import { defineRecipe, recipeRootfs } from "../../images/lib/recipe";
import { computeTag, readImagesLock, staleImages } from "../../images/lib/tags";
import { artefactLayer } from "../../images/lib/artefact";
import { RECIPES } from "../../images/recipes";
import { BUILT_IMAGE_NAMES, builtImage } from "../../src/config/built-images";
import { IMAGES } from "../../src/config/images";
import { environment, synthFaas, type K8sObject } from "../faas/fixtures";

const debianLock = readDebianLock();
const imagesLock = readImagesLock();

function podSpecs(o: K8sObject): any[] {
  if (o.kind === "PodTemplate") return [o.template.spec];
  return o.spec?.template?.spec ? [o.spec.template.spec] : [];
}
function images(all: K8sObject[]): string[] {
  return [
    ...new Set(
      all
        .flatMap(podSpecs)
        .flatMap((s) => [...(s.containers ?? []), ...(s.initContainers ?? [])])
        .map((c: { image: string }) => c.image),
    ),
  ].sort();
}

describe("images lock", () => {
  it("is fresh: every recipe's tag is the hash of its current inputs", () => {
    const stale = staleImages(RECIPES, debianLock, imagesLock);
    assert.deepEqual(
      stale,
      [],
      `images/images.lock.json is stale for ${stale.map((s) => s.name).join(", ")}: run \`npm run images -- lock\` and commit images/images.lock.json (and images/debian.lock.json)`,
    );
    assert.deepEqual(Object.keys(imagesLock.images).sort(), RECIPES.map((r) => r.name).sort(), "one tag per recipe, none left over");
  });

  it("locks every root filesystem for exactly its recipe's package list, with a checksum per package", () => {
    const specs = new Map(RECIPES.flatMap(recipeRootfs).map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(debianLock.rootfs).sort(), [...specs.keys()].sort());
    for (const spec of specs.values()) {
      const entry = debianLock.rootfs[spec.name];
      assert.ok(lockMatchesSpec(entry, spec), `${spec.name} is locked for its current spec (run \`npm run images -- lock\`)`);
      for (const inc of spec.include)
        assert.ok(
          entry.packages.some((p) => p.name === inc.split("/")[0]),
          `${spec.name} locks ${inc}`,
        );
      for (const p of entry.packages) assert.match(p.sha256, /^[0-9a-f]{64}$/, `${spec.name} ${p.name}`);
      assert.equal(new Set(entry.packages.map((p) => p.name)).size, entry.packages.length, `${spec.name}: one version per package`);
    }
  });

  it("gives users the language versions docs/images.md names", () => {
    const version = (rootfs: string, pkg: string) => debianLock.rootfs[rootfs]?.packages.find((p) => p.name === pkg)?.version ?? "";
    assert.match(version("executor-c", "gcc-12"), /^12\.2\.0-/);
    assert.match(version("executor-go", "golang-go"), /^2:1\.19~/);
    assert.match(version("executor-javascript", "nodejs"), /^18\./);
    assert.match(NODE_22.version, /^22\.\d+\.\d+$/);
    assert.match(NODE_22.integrity, /^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it("runs every image as the uid the charts run its pods as", () => {
    assert.equal(IMAGE_UID, APP_UID);
    assert.equal(IMAGE_UID, EXECUTOR_UID);
    for (const r of RECIPES) assert.equal(r.config.user, `${IMAGE_UID}:${IMAGE_UID}`, r.name);
  });
});

describe("image references in the charts", () => {
  const builtNames = new Set(RECIPES.map((r) => r.name));
  const upstream = new Set<string>(Object.values(IMAGES).flatMap((v): string[] => (typeof v === "string" ? [v] : [])));

  for (const env of ["local", "ack-managed"] as const) {
    it(`${env}: every service image is built by a recipe with the locked tag, or pinned upstream in src/config/images.ts`, () => {
      const e = environment(env);
      const registry = e.config.faas.registry;
      const built = new Set(BUILT_IMAGE_NAMES.map((n) => builtImage(registry, n)));
      const refs = images(synthFaas(e).all);
      for (const name of BUILT_IMAGE_NAMES) assert.ok(builtNames.has(name), `${name} has a recipe in images/recipes`);
      for (const ref of refs) {
        const isPause = /^registry\.k8s\.io\/pause:[\w.-]+$/.test(ref);
        assert.ok(built.has(ref) || upstream.has(ref) || isPause, `${ref} is neither built here nor pinned in src/config/images.ts`);
      }
      for (const name of BUILT_IMAGE_NAMES) {
        const ref = `${registry}/clusterkit/${name}:${imagesLock.images[name]!.tag}`;
        assert.ok(refs.includes(ref), `the charts use ${ref}`);
      }
      assert.doesNotMatch(refs.join("\n"), /miguellomot|library\/(golang|node|gcc):/);
    });
  }

  it("derives the registry from the NFS node locally and from the region on ACK; explicit settings win", () => {
    assert.equal(environment("local").config.faas.registry, "192.168.60.30:5000");
    const moved = environment("local", { nfs: { ip: "192.168.60.31" } }).config.faas;
    assert.equal(moved.registry, "192.168.60.31:5000");
    assert.equal(moved.frontend.image, builtImage("192.168.60.31:5000", "frontend"));
    assert.equal(moved.executors.images.c, builtImage("192.168.60.31:5000", "executor-c"));
    const ack = environment("ack-managed", { region: "eu-west-1" }).config.faas;
    assert.equal(ack.registry, "registry-vpc.eu-west-1.aliyuncs.com");
    assert.equal(ack.middleware.image, builtImage("registry-vpc.eu-west-1.aliyuncs.com", "middleware"));
    const own = environment("local", { faas: { registry: "registry.example.com/team", frontend: { image: "registry.example.com/mine/frontend:1.2.3" } } })
      .config.faas;
    assert.equal(own.frontend.image, "registry.example.com/mine/frontend:1.2.3");
    assert.equal(own.middleware.image, builtImage("registry.example.com/team", "middleware"));
  });
});

describe("image tags", () => {
  const root = mkdtempSync(join(tmpdir(), "image-tags-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  cpSync(join(REPO_ROOT, "images", "lib"), join(root, "images", "lib"), { recursive: true });
  mkdirSync(join(root, "app"), { recursive: true });
  writeFileSync(join(root, "app", "main.js"), "console.log(1)\n");
  writeFileSync(join(root, "recipe.ts"), "// recipe\n");
  const spec = { name: "tag-test", variant: "extract" as const, include: ["libc6"] };
  const lock: DebianLock = {
    suite: "bookworm",
    rootfs: {
      "tag-test": {
        spec: { variant: "extract", include: ["libc6"], backports: false },
        resolvedAt: "",
        packages: [{ name: "libc6", version: "2.36-9", arch: "amd64", sha256: "0".repeat(64), size: 1 }],
      },
    },
  };
  const recipe = defineRecipe(join(REPO_ROOT, "recipe.ts"), {
    name: "tag-test",
    description: "",
    layers: [rootfsLayer(spec), artefactLayer({ id: "app", script: "x", dir: "app", entry: "main.js", dest: "/app", owner: "", sources: [{ path: "app" }] })],
    config: { user: "1000:1000", env: [] },
  });
  const base = computeTag(recipe, lock, root);

  it("is stable for unchanged inputs", () => {
    assert.match(base, /^[0-9a-f]{20}$/);
    assert.equal(computeTag(recipe, lock, root), base);
  });

  it("ignores files tools generate beside the sources (a fresh clone has none)", () => {
    writeFileSync(join(root, "app", "next-env.d.ts"), '/// <reference types="next" />\n');
    writeFileSync(join(root, "app", "tsconfig.tsbuildinfo"), "{}\n");
    try {
      assert.equal(computeTag(recipe, lock, root), base);
    } finally {
      rmSync(join(root, "app", "next-env.d.ts"));
      rmSync(join(root, "app", "tsconfig.tsbuildinfo"));
    }
  });

  it("changes with a source file, a locked package, the config, the recipe file and the builder's code", () => {
    writeFileSync(join(root, "app", "main.js"), "console.log(2)\n");
    const afterSource = computeTag(recipe, lock, root);
    assert.notEqual(afterSource, base);
    const newer: DebianLock = {
      ...lock,
      rootfs: { "tag-test": { ...lock.rootfs["tag-test"]!, packages: [{ ...lock.rootfs["tag-test"]!.packages[0]!, version: "2.36-9+deb12u1" }] } },
    };
    assert.notEqual(computeTag(recipe, newer, root), afterSource);
    assert.notEqual(computeTag({ ...recipe, config: { ...recipe.config, env: ["A=1"] } }, lock, root), afterSource);
    writeFileSync(join(root, "recipe.ts"), "// recipe, edited\n");
    const afterRecipe = computeTag(recipe, lock, root);
    assert.notEqual(afterRecipe, afterSource);
    writeFileSync(join(root, "images", "lib", "constants.ts"), "// builder changed\n", { flag: "a" });
    assert.notEqual(computeTag(recipe, lock, root), afterRecipe);
  });

  it("marks a root filesystem whose package list changed as unlocked", () => {
    const changed = { ...recipe, layers: [rootfsLayer({ ...spec, include: ["libc6", "zlib1g"] }), recipe.layers[1]!] };
    assert.notEqual(computeTag(changed, lock, root), computeTag(recipe, lock, root));
  });
});
