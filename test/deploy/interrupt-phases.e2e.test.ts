/**
 * Slow tier: a stop request at every phase of a deploy (fake tools, real files). The fast tier
 * (faults.test.ts) runs the terraform apply phase only; a whole deploy per phase is too slow for it.
 */
import { describe } from "@jest/globals";
import { stopRequestTests } from "./harness";

describe("a stop request (Ctrl-C, SIGTERM) at each phase of deploy", () => {
  stopRequestTests([
    "VBoxManage",
    "terraform init",
    "terraform apply",
    "terraform output",
    "kubectl readyz",
    "kubectl apply file",
    "kubectl get secret",
    "kubectl get deployment",
  ]);
});
