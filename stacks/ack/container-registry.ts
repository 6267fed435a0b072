/**
 * Alibaba Container Registry, personal edition: one namespace and one repository per image this
 * repository builds. Deploy pushes to the region's public endpoint (`registry.<region>.aliyuncs.com`)
 * with the registry login from the environment; nodes pull through the VPC endpoint
 * (`registry-vpc.<region>.aliyuncs.com`), so image traffic never leaves the VPC or costs egress.
 *
 * The personal edition suffices: a handful of repositories, no replication, no scanning needed.
 * It has no read-only pull credentials, so repositories default to PUBLIC (the images hold this
 * repository's code and no secret); PRIVATE needs pull credentials on the nodes (docs/ack.md).
 */
import { Construct } from "constructs";
import { CrNamespace } from "../../.gen/providers/alicloud/cr-namespace";
import { CrRepo } from "../../.gen/providers/alicloud/cr-repo";
import type { AckConfig } from "../../src/config/schema";
import { acrVpcEndpoint } from "../../src/contracts/registry";

export interface AckContainerRegistryProps {
  readonly registry: AckConfig["containerRegistry"];
  /** Repository names inside the namespace (one per built image). */
  readonly repositories: readonly string[];
}

export class AckContainerRegistry extends Construct {
  readonly namespace: CrNamespace;
  readonly repositories: readonly CrRepo[];

  constructor(scope: Construct, id: string, props: AckContainerRegistryProps) {
    super(scope, id);
    const { namespace, visibility } = props.registry;
    this.namespace = new CrNamespace(this, "namespace", {
      name: namespace,
      // Only the repositories below exist: a typo in an image name fails the push instead of
      // silently creating a repository nobody manages.
      autoCreate: false,
      defaultVisibility: visibility,
    });
    this.repositories = props.repositories.map(
      (name) =>
        new CrRepo(this, `repo-${name}`, {
          namespace: this.namespace.name,
          name,
          summary: `clusterkit ${name} image (built by npm run images)`,
          repoType: visibility,
        }),
    );
  }
}

/** Every image the workload references (the service's own images). */
function serviceImages(config: AckConfig): string[] {
  const f = config.faas;
  return f.enabled ? [f.frontend.image, f.middleware.image, f.executors.images.go, f.executors.images.javascript, f.executors.images.c] : [];
}

/**
 * Repositories to create: those of the configured images that live in this namespace on the
 * region's VPC endpoint, e.g. `registry-vpc.eu-central-1.aliyuncs.com/clusterkit/frontend:<tag>`
 * -> `frontend`. Images elsewhere (another registry, a pinned upstream image) need none.
 */
export function acrRepositories(config: AckConfig): string[] {
  const prefix = `${acrVpcEndpoint(config.region)}/${config.containerRegistry.namespace}/`;
  const names = serviceImages(config)
    .filter((image) => image.startsWith(prefix))
    .map((image) => image.slice(prefix.length).split(/[:@]/)[0]!);
  return [...new Set(names)].sort();
}
