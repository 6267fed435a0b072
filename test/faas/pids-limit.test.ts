/**
 * The fork-bomb bound the executor contract requires of every node (POD_PIDS_LIMIT): the chart
 * cannot set a pids limit, so the local kubelet configuration and the ACK node pool must.
 */
import { describe, expect, it } from "@jest/globals";
import { POD_PIDS_LIMIT } from "../../service/contract/executor";
import { KUBEADM_INIT_CONFIG } from "../../stacks/local/cloud-init/kubeadm";
import { synthAck } from "../ack/synth-ack";
import { localConfig, parseUserData, renderAll, writeFile, yamlDocuments } from "../local/support";

describe("pids limit per Pod", () => {
  it("the local cluster's KubeletConfiguration (which joining workers take) sets podPidsLimit", () => {
    const seed = renderAll(localConfig()).get("master01");
    const init = writeFile(parseUserData(seed?.["user-data"] ?? ""), KUBEADM_INIT_CONFIG).content;
    const kubelet = yamlDocuments(init).find((d) => d.kind === "KubeletConfiguration");
    expect(kubelet?.podPidsLimit).toBe(POD_PIDS_LIMIT);
  });

  it("the ACK node pool's kubelet configuration sets pod_pids_limit", () => {
    const { json } = synthAck("ack-managed");
    const pools = Object.values(
      (json.resource as Record<string, Record<string, { kubelet_configuration?: { pod_pids_limit?: string } }>>).alicloud_cs_kubernetes_node_pool ?? {},
    );
    expect(pools.length).toBeGreaterThan(0);
    for (const pool of pools) expect(pool.kubelet_configuration?.pod_pids_limit).toBe(String(POD_PIDS_LIMIT));
  });
});
