import { checkApis } from "./apis";
import { checkCloudRun } from "./cloud-run";
import { type ApplyOrderFinding, CheckContext } from "./context";
import { checkData } from "./data";
import type { PlanNode } from "./graph";
import { checkIdentities } from "./identities";
import { checkKubernetes } from "./kubernetes";

export { grantedMembers } from "./context";
/**
 * The apply-order checks: for each resource of a plan, the prerequisites of
 * components/catalog/apply-prerequisites.ts that the plan itself creates, and whether each is
 * created before the resource (ApplyGraph). A prerequisite the plan does not create (an API
 * enabled by hand, a cluster of another stack) is not checked, except where the plan manages it
 * in part (it enables APIs in the project, but not this one). One module per concern. Pure: no
 * Pulumi runtime import.
 */
export type { ApplyOrderFinding };

export function applyOrderFindings(nodes: readonly PlanNode[]): ApplyOrderFinding[] {
  const ctx = new CheckContext(nodes);
  checkApis(ctx);
  checkIdentities(ctx);
  checkData(ctx);
  checkCloudRun(ctx);
  checkKubernetes(ctx);
  return ctx.findings;
}
