// The pack's entry point for the Pulumi CLI (`pulumi preview --policy-pack policies/governance`).
// Constructing a PolicyPack starts its gRPC server: nothing else may import this file.
import { PolicyPack } from "@pulumi/policy";
import { GOVERNANCE } from "./pack";

new PolicyPack(GOVERNANCE.name, {
  description: GOVERNANCE.description,
  enforcementLevel: GOVERNANCE.enforcementLevel,
  policies: GOVERNANCE.policies,
});
