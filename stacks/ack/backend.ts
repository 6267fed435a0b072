/**
 * Where Terraform keeps an ACK stack's state. Paths in config are relative to the project root;
 * Terraform runs in cdktf.out/stacks/<env>, three levels below it.
 */
import type { BackendConfig } from "../../src/config/schema";
import { LocalBackend, OssBackend, type TerraformStack } from "../../src/lib/tf";
import { backendPath } from "../shared/paths";

export function addBackend(stack: TerraformStack, backend: BackendConfig): void {
  if (backend.type === "local") {
    new LocalBackend(stack, { path: backendPath(backend.path) });
    return;
  }
  // OSS state with a TableStore lock table (primary key `LockID`, string). Credentials come from
  // the same environment variables or profile as the provider's.
  new OssBackend(stack, {
    bucket: backend.bucket,
    prefix: backend.prefix,
    key: backend.key,
    region: backend.region,
    ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
    tablestoreEndpoint: backend.tablestoreEndpoint,
    tablestoreTable: backend.tablestoreTable,
    encrypt: true,
  });
}
