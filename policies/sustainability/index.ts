// The pack's entry point for the Pulumi CLI (`pulumi preview --policy-pack policies/sustainability`).
// Constructing a PolicyPack starts its gRPC server: nothing else may import this file.
import { PolicyPack } from "@pulumi/policy";
import { SUSTAINABILITY } from "./pack";

new PolicyPack(SUSTAINABILITY.name, {
  description: SUSTAINABILITY.description,
  enforcementLevel: SUSTAINABILITY.enforcementLevel,
  policies: SUSTAINABILITY.policies,
});
