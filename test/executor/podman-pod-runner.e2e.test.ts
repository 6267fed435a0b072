/**
 * The fake API server's podman PodRunner: a real executor Pod reported as a kubelet would (Pending
 * with `run` running, then Succeeded with terminated statuses, logs in place before the final
 * status), and a Pod deleted while it runs is killed rather than run to the end.
 */
import { beforeAll, describe, expect } from "@jest/globals";
import type { V1Pod, V1PodStatus } from "@kubernetes/client-node";
import { REPORT_CONTAINER, RESULT_FILES, RUN_CONTAINER } from "../../service/contract/executor";
import { parseFrame } from "../../service/contract/frame";
import { readTar } from "../../service/contract/tar";
import { executorImageReferences, executorImages, executorImagesSkipReason } from "../support/executor-images";
import type { PodControl } from "../support/fake-kube/server";
import { containerSkipReason } from "../support/podman-env";
import { podmanPodRunner } from "../support/podman-pod-runner";
import { itIf } from "../support/requires";
import { jobPod } from "./executor-pod";
import { C } from "./programs";

const skip = executorImagesSkipReason() ?? containerSkipReason("runc");

beforeAll(() => {
  if (!skip) executorImages();
}, 30 * 60_000);

/** What a fake API server would record: every status (with the logs present at that moment). */
function recorder() {
  const statuses: { status: V1PodStatus; logs: Record<string, string> }[] = [];
  const logs: Record<string, string> = {};
  const ctl: PodControl & { deleted: boolean } = {
    deleted: false,
    setStatus: (status) => void statuses.push({ status: structuredClone(status), logs: { ...logs } }),
    setLog: (container, text) => void (logs[container] = text),
  };
  return { ctl, statuses, logs };
}

const asV1 = (pod: object) => pod as unknown as V1Pod;

describe("podman PodRunner for the fake API server", () => {
  itIf(skip, "a job's Pod: Pending with run running, then Succeeded with the report log in place", async () => {
    const runner = podmanPodRunner();
    const { ctl, statuses } = recorder();
    runner.start(jobPod({ language: "c", files: [{ name: "main.c", content: C.hello!["main.c"]! }], runtime: "runc" }), ctl);
    await Promise.all(runner.runs);
    expect(statuses).toHaveLength(2);
    const [pending, done] = statuses;
    expect(pending!.status.phase).toBe("Pending");
    expect(pending!.status.initContainerStatuses?.[0]).toMatchObject({ name: RUN_CONTAINER, state: { running: {} } });
    expect(pending!.status.containerStatuses?.[0]).toMatchObject({ name: REPORT_CONTAINER, state: { waiting: { reason: "PodInitializing" } } });
    expect(done!.status.phase).toBe("Succeeded");
    for (const c of [...done!.status.initContainerStatuses!, ...done!.status.containerStatuses!]) {
      expect(c.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
      expect(c.state!.terminated!.finishedAt!.getTime()).toBeGreaterThanOrEqual(c.state!.terminated!.startedAt!.getTime());
    }
    const files = readTar(parseFrame(done!.logs[REPORT_CONTAINER]!));
    expect(files.find((f) => f.name === RESULT_FILES.stdout)?.data.toString()).toBe("hello from C\n");
  });

  itIf(skip, "a Pod deleted while it runs is killed, and gets no final status", async () => {
    const runner = podmanPodRunner();
    const { ctl, statuses } = recorder();
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "deleted-while-running" },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        containers: [{ name: "sleeper", image: executorImageReferences().c, command: ["sleep", "60"] }],
      },
    };
    const started = Date.now();
    runner.start(asV1(pod), ctl);
    setTimeout(() => (ctl.deleted = true), 1500);
    await Promise.all(runner.runs);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(statuses.map((s) => s.status.phase)).toEqual(["Pending"]);
  });
});
