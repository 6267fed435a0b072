/**
 * ACK service roles are a one-time, account-wide prerequisite, not part of a cluster stack.
 *
 * Why not create them here: Alibaba's Terraform pattern needs `alicloud_ram_role_policy_attachment`
 * and the `alicloud_ack_service` data source (neither is in our pinned schema subset), and it must
 * skip roles that already exist; a cluster stack that owns account-wide roles would also delete them
 * on `destroy`, breaking every other ACK cluster in the account. So: authorise once (console or
 * Alibaba's quickstart, see docs/ack.md) and the deploy step prints `serviceRolesPreflight()`.
 */

/** Roles ACK asks for on first use (Alibaba's "assign default roles" quickstart). */
export const ACK_SERVICE_ROLES = [
  "AliyunCSDefaultRole",
  "AliyunCSManagedKubernetesRole",
  "AliyunCSManagedLogRole",
  "AliyunCSManagedCmsRole",
  "AliyunCSManagedCsiRole",
  "AliyunCSManagedCsiPluginRole",
  "AliyunCSManagedCsiProvisionerRole",
  "AliyunCSManagedNetworkRole",
  "AliyunCSManagedArmsRole",
  "AliyunCSManagedAutoScalerRole",
  "AliyunCSKubernetesAuditRole",
  "AliyunCSManagedNlcRole",
  "AliyunOOSLifecycleHook4CSRole",
] as const;

/** What a deploy prints before creating an ACK cluster. */
export function serviceRolesPreflight(environment: string): string {
  return (
    `${environment}: ACK needs its service roles in this account (one-time). If you have never created an ACK cluster here, ` +
    "authorise them first: ACK console > Cloud Resource Access Authorization, or Alibaba's Terraform quickstart " +
    `"201-use-case-enable-ack-and-assign-role" (see docs/ack.md). Missing roles fail with ErrManagedAddonRoleNotAttach. Roles: ${ACK_SERVICE_ROLES.join(", ")}.`
  );
}
