/**
 * Providers of an ACK stack. alicloud is pinned by its generated binding (provider-schemas/providers.json);
 * tls and local are pinned here to the exact versions their prebuilt bindings were generated from.
 *
 * No credentials are configured: the alicloud provider reads ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY
 * (or ALIBABA_CLOUD_*), or a profile from ~/.aliyun/config.json (ALICLOUD_PROFILE), at plan time.
 * Putting them in config would write them into cdk.tf.json and the state.
 */
import { LocalProvider } from "@cdktf/provider-local/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import type { TerraformStack } from "../../src/lib/tf";
import { AlicloudProvider } from "../../.gen/providers/alicloud/provider";

interface PrebuiltPackage {
  readonly cdktf: { readonly provider: { readonly version: string } };
}

/** The provider version a prebuilt binding package was generated from (its package.json records it). */
function prebuiltVersion(pkg: PrebuiltPackage): string {
  return pkg.cdktf.provider.version;
}

export function addAckProviders(stack: TerraformStack, region: string): void {
  new AlicloudProvider(stack, "alicloud", { region });
  new TlsProvider(stack, "tls");
  new LocalProvider(stack, "local");
  // Static requires so the synth bundle resolves them; pin exactly the generated-from versions.
  stack.addOverride("terraform.required_providers.tls.version", prebuiltVersion(require("@cdktf/provider-tls/package.json") as PrebuiltPackage));
  stack.addOverride("terraform.required_providers.local.version", prebuiltVersion(require("@cdktf/provider-local/package.json") as PrebuiltPackage));
}
