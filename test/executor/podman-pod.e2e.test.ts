/**
 * The podman pod runner behaves like a kubelet where the executor relies on it (and where the
 * fake API server's end-to-end tier will): init containers gate app containers, the Pod deadline
 * kills, a memory limit ends in OOMKilled, the downward API and emptyDirs look as they do on a
 * node, the security context really applies, and what it cannot emulate is refused.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { IContainer } from "kubernetes-models/v1/Container";
import { executorImageReferences, executorImages, executorImagesSkipReason } from "../support/executor-images";
import { containerSkipReason } from "../support/podman-env";
import { PodSpecError, runPod } from "../support/podman-pod";
import { itIf } from "../support/requires";

/** Any image with a shell and coreutils will do: the C executor's. */
const IMAGE = executorImageReferences().c;
const skip = executorImagesSkipReason() ?? containerSkipReason("runc");

beforeAll(() => {
  if (!skip) executorImages();
}, 30 * 60_000);

const restricted = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" as const },
};

function sh(name: string, script: string, extra: Partial<IContainer> = {}): IContainer {
  return { name, image: IMAGE, command: ["sh", "-c", script], securityContext: restricted, ...extra };
}

function pod(spec: Partial<NonNullable<IPod["spec"]>>, annotations: Record<string, string> = {}): IPod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "pod-runner-test", annotations },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 },
      containers: [],
      ...spec,
    },
  };
}

describe("podman pod runner", () => {
  itIf(skip, "init containers run in order and gate the app containers; logs hold stdout and stderr", async () => {
    const r = await runPod(
      pod({
        initContainers: [sh("first", "echo one; echo two >&2"), sh("second", "echo failing; exit 3"), sh("third", "echo never")],
        containers: [sh("app", "echo never either")],
      }),
    );
    expect(r.phase).toBe("Failed");
    expect(r.initContainerStatuses.map((s) => [s.name, s.exitCode, s.reason])).toEqual([
      ["first", 0, "Completed"],
      ["second", 3, "Error"],
      ["third", null, "PodInitializing"],
    ]);
    expect(r.containerStatuses.map((s) => [s.name, s.reason])).toEqual([["app", "PodInitializing"]]);
    expect(r.logs.first?.split("\n").sort()).toEqual(["", "one", "two"]);
    expect(r.logs.second).toBe("failing\n");
    expect(r.logs).not.toHaveProperty("third");
    expect(r.logs).not.toHaveProperty("app");
  });

  itIf(skip, "activeDeadlineSeconds kills the Pod: DeadlineExceeded", async () => {
    const started = Date.now();
    const r = await runPod(pod({ activeDeadlineSeconds: 2, containers: [sh("sleeper", "sleep 60")] }));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.phase).toBe("Failed");
    expect(r.reason).toBe("DeadlineExceeded");
    expect(r.containerStatuses[0]?.reason).toBe("DeadlineExceeded");
  });

  itIf(skip, "a container over its memory limit is OOMKilled with exit code 137", async () => {
    // tail keeps the last lines; /dev/zero has no line end, so it holds everything it reads.
    const hog = sh("hog", "tail /dev/zero", { resources: { limits: { memory: "32Mi" } } });
    const r = await runPod(pod({ containers: [hog] }));
    expect(r.containerStatuses[0]).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect(r.phase).toBe("Failed");
  });

  itIf(skip ?? containerSkipReason("runsc"), "under gVisor the sandbox's OOM kill is OOMKilled too", async () => {
    const hog = sh("hog", "tail /dev/zero", { resources: { limits: { memory: "64Mi" } } });
    const r = await runPod(pod({ runtimeClassName: "gvisor", containers: [hog] }));
    expect(r.containerStatuses[0]).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
  });

  itIf(skip, "downward API files, emptyDirs and the security context look as on a node", async () => {
    const script = [
      "id -u; id -G",
      "cat /job/source.json; echo",
      "readlink /job/source.json; ls -a /job | grep -c '^\\.\\.'",
      "touch /job/x 2>/dev/null && echo job-writable || echo job-read-only",
      "touch /rootfile 2>/dev/null && echo root-writable || echo root-read-only",
      "echo hi > /scratch/f && stat -c '%g %a' /scratch /scratch/f",
      "grep -E '^(NoNewPrivs|CapEff)' /proc/self/status | tr -s '\\t' ' '",
      "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '",
      'echo "$POD" "$PLAIN"',
    ].join("; ");
    const c = sh("probe", script, {
      env: [
        { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "PLAIN", value: "value with spaces" },
      ],
      volumeMounts: [
        { name: "job", mountPath: "/job", readOnly: true },
        { name: "scratch", mountPath: "/scratch" },
      ],
    });
    const r = await runPod(
      pod(
        {
          containers: [c],
          volumes: [
            { name: "job", downwardAPI: { items: [{ path: "source.json", fieldRef: { fieldPath: "metadata.annotations['example.io/source']" } }] } },
            { name: "scratch", emptyDir: {} },
          ],
        },
        { "example.io/source": '{"v":1,"files":[]}' },
      ),
    );
    expect(r.phase).toBe("Succeeded");
    expect(r.logs.probe?.trim().split("\n")).toEqual([
      "1000",
      "1000 2000",
      '{"v":1,"files":[]}',
      "..data/source.json",
      "3", // "..", "..data" and the timestamped directory it points to
      "job-read-only",
      "root-read-only",
      "2000 2777",
      "2000 644",
      "CapEff: 0000000000000000",
      "NoNewPrivs: 1",
      "lo",
      "pod-runner-test value with spaces",
    ]);
  });

  itIf(skip, "runAsNonRoot with user 0 never starts: CreateContainerConfigError", async () => {
    const r = await runPod(pod({ containers: [sh("root", "id", { securityContext: { ...restricted, runAsUser: 0 } })] }));
    expect(r.phase).toBe("Failed");
    expect(r.containerStatuses[0]).toMatchObject({ reason: "CreateContainerConfigError", exitCode: null });
  });

  itIf(skip ?? containerSkipReason("runsc"), "runtimeClassName gvisor runs the Pod under gVisor", async () => {
    const r = await runPod(pod({ runtimeClassName: "gvisor", containers: [sh("kernel", "uname -r")] }));
    expect(r.runtime).toBe("runsc");
    expect(r.logs.kernel).toBe("4.4.0\n");
  });

  it("what it cannot emulate is refused, naming the field", async () => {
    await expect(runPod(pod({ hostNetwork: true, containers: [sh("x", "true")] }))).rejects.toThrow(
      new PodSpecError("spec.hostNetwork: not supported by the podman pod runner"),
    );
    await expect(runPod(pod({ shareProcessNamespace: true, containers: [sh("x", "true")] }))).rejects.toThrow(/spec\.shareProcessNamespace/);
    await expect(runPod(pod({ restartPolicy: "Always", containers: [sh("x", "true")] }))).rejects.toThrow(/spec\.restartPolicy: only Never/);
    await expect(runPod(pod({ runtimeClassName: "kata", containers: [sh("x", "true")] }))).rejects.toThrow(/spec\.runtimeClassName/);
    await expect(runPod(pod({ containers: [sh("x", "true", { volumeMounts: [{ name: "v", mountPath: "/v", subPath: "a" }] })] }))).rejects.toThrow(/subPath/);
    await expect(runPod(pod({ containers: [sh("x", "true")], volumes: [{ name: "h", hostPath: { path: "/" } }] }))).rejects.toThrow(
      /spec\.volumes\[h\]: only emptyDir and downwardAPI/,
    );
  });
});
