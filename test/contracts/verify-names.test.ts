/**
 * What verify looks for in a deployed cluster is what the charts create: the web app's Deployment,
 * Service and HPA by name and Pod label, its content claim mounted at the document root, the
 * header the page names its pod in, the CNI DaemonSet, and the FaaS components by their labels.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { componentLabels, COMPONENTS } from "../../src/contracts/faas";
import { SERVED_BY_HEADER, WEB_APP_NAME, WEB_CONTENT_VOLUME, WEB_ROOT } from "../../src/contracts/platform";
import { cniDaemonSet } from "../../src/verify/checks/cluster";
import type { VerifyContext } from "../../src/verify/types";
import type { ManifestObject } from "../support/k8s-validate";
import { testEnvironment } from "../support/synth-charts";
import { manifests, podSpecs } from "./sides";

const find = (objects: readonly ManifestObject[], kind: string, namespace: string | undefined, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));

describe("verify's names ↔ the charts' objects", () => {
  const env = testEnvironment("local", { cni: "flannel" });
  const objects = manifests(env);
  const web = env.config.webApp;

  it("the web app: Deployment (Pods labelled with its name), LoadBalancer Service and HPA", () => {
    const deployment = find(objects, "Deployment", web.namespace, WEB_APP_NAME);
    assert.ok(deployment, `Deployment ${web.namespace}/${WEB_APP_NAME}`);
    const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    assert.equal(labels["app.kubernetes.io/name"], WEB_APP_NAME, "verify deletes a pod selected by app.kubernetes.io/name");
    assert.equal((find(objects, "Service", web.namespace, WEB_APP_NAME)?.spec as { type?: string } | undefined)?.type, "LoadBalancer");
    assert.ok(find(objects, "HorizontalPodAutoscaler", web.namespace, WEB_APP_NAME), "HPA");
  });

  it("the content claim is mounted at the document root, and the page sends the served-by header", () => {
    assert.ok(find(objects, "PersistentVolumeClaim", web.namespace, WEB_CONTENT_VOLUME), "claim");
    const spec = podSpecs(objects).find((p) => p.where === `Deployment ${web.namespace}/${WEB_APP_NAME}`)!.spec as {
      volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      containers: { volumeMounts?: { name: string; mountPath: string }[] }[];
    };
    const volume = spec.volumes.find((v) => v.persistentVolumeClaim?.claimName === WEB_CONTENT_VOLUME)!;
    assert.ok(
      spec.containers.some((c) => c.volumeMounts?.some((m) => m.name === volume.name && m.mountPath === WEB_ROOT)),
      `mounted at ${WEB_ROOT}`,
    );
    const pages = objects.filter((o) => o.kind === "ConfigMap").map((o) => JSON.stringify(o.data ?? {}));
    assert.ok(
      pages.some((p) => p.includes(`header('${SERVED_BY_HEADER}: `)),
      "index.php sets the header",
    );
  });

  it("the CNI DaemonSet verify waits for is the one the flannel chart creates", () => {
    const ds = cniDaemonSet({ environment: env } as VerifyContext);
    assert.ok(find(objects, "DaemonSet", ds.namespace, ds.name), `DaemonSet ${ds.namespace}/${ds.name}`);
  });

  it("every FaaS component verify probes is a Service selecting Pods with its labels", () => {
    for (const component of [COMPONENTS.nats, COMPONENTS.frontend]) {
      const service = find(objects, "Service", env.config.faas.namespace, component);
      assert.ok(service, `Service ${component}`);
      assert.deepEqual((service.spec as { selector: Record<string, string> }).selector, componentLabels(component));
    }
  });
});
