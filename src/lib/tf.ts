/**
 * The one place that imports CDK for Terraform.
 *
 * cdktf was archived by HashiCorp on 2025-12-10 (0.21.0 is final). Its maintained fork, CDK Terrain,
 * publishes the same API as `cdktn`; moving to it means changing the module name below (and the
 * package.json dependency), nothing else.
 */
export * from "cdktf";
