/**
 * ACK storage: the web content on Apsara NAS through Alibaba's CSI driver (pre-installed by ACK),
 * as a static ReadWriteMany PV. The NAS mount target is created by the ACK stack; its address
 * comes from that stack's outputs, never from the user.
 */
import type { Construct } from "constructs";
import { Chart } from "../../src/lib/k8s";
import { WebContentVolume } from "./web-volume";
import { WEB_CONTENT_VOLUME } from "../../src/contracts/platform";
import { NAS_SERVER_PLACEHOLDER } from "../../src/contracts/stack-outputs";

export const NAS_CSI_DRIVER = "nasplugin.csi.alibabacloud.com";

export interface AckStorageChartProps {
  /** The web content volume's size and claim namespace; @default none (web app disabled: an empty chart) */
  readonly webContent?: { readonly size: string; readonly claimNamespace: string };
  /** NAS mount target domain from the stack output `nas_server`; @default NAS_SERVER_PLACEHOLDER */
  readonly nasServer?: string;
  /** Export path on the NAS: the stack output `nas_path`, else `nas.path` from config. */
  readonly nasPath: string;
}

export class AckStorageChart extends Chart {
  constructor(scope: Construct, id: string, props: AckStorageChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    if (!props.webContent) return;
    new WebContentVolume(this, WEB_CONTENT_VOLUME, {
      ...props.webContent,
      source: {
        // NFSv3 as Alibaba recommends (Extreme NAS supports only v3, which needs nolock).
        mountOptions: ["nolock,tcp,noresvport", "vers=3"],
        csi: {
          driver: NAS_CSI_DRIVER,
          volumeHandle: WEB_CONTENT_VOLUME,
          volumeAttributes: { server: props.nasServer ?? NAS_SERVER_PLACEHOLDER, path: props.nasPath, vers: "3" },
        },
      },
    });
  }
}
