import { API_SERVICE, apisOf, CLIENT_BASED_APIS } from "../../../../components/catalog/apply-prerequisites";
import { type CheckContext, isTrue, projectOf, shortName } from "./context";
import { known, type PlanNode, read } from "./graph";

/**
 * Every API a resource calls is enabled before it, where Google checks it (APPLY_ORDER_RULES
 * "api-enabled"): a resource-based API in the resource's project (its `project`, or its provider's),
 * when the plan enables APIs there; a client-based API (CLIENT_BASED_APIS) in the caller's quota
 * project, which a plan shows only when the resource's provider sends one (`userProjectOverride`
 * with `billingProject`). Otherwise the caller's project is the deploying identity's, outside the
 * plan, and the prerequisite in docs/operations.md covers it.
 */
export function checkApis(ctx: CheckContext): void {
  const services = ctx.graph.ofType(API_SERVICE);
  const managedProjects = new Set(services.map(projectOf).filter((p): p is string => p !== undefined));
  if (managedProjects.size === 0) return;
  const servicesFor = (api: string, project: string | undefined) =>
    services.filter(
      (s) =>
        known(read(s.props, "service")) === api &&
        (project === undefined || projectOf(s) === undefined || projectOf(s) === project),
    );

  for (const node of ctx.nodes) {
    if (!node.type.startsWith("gcp:")) continue;
    const provider = ctx.providerOf(node);
    const project = projectOf(node) ?? (provider ? known(read(provider.props, "project")) : undefined);
    const quotaProject =
      provider && isTrue(read(provider.props, "userProjectOverride"))
        ? (known(read(provider.props, "billingProject")) ?? project)
        : undefined;
    for (const api of apisOf(node.type, node.props)) {
      const clientBased = CLIENT_BASED_APIS.includes(api);
      const where = clientBased ? quotaProject : project;
      if (clientBased && where === undefined) continue; // the caller's quota project: not in the plan
      if (where !== undefined ? !managedProjects.has(where) : false) continue;
      checkEnabled(ctx, node, api, where, clientBased, servicesFor(api, where));
    }
  }
}

function checkEnabled(
  ctx: CheckContext,
  node: PlanNode,
  api: string,
  project: string | undefined,
  clientBased: boolean,
  enabling: PlanNode[],
): void {
  const inProject = project ? ` in ${project}${clientBased ? ", the quota project its provider sends" : ""}` : "";
  if (enabling.length === 0) {
    ctx.report(
      "api-enabled",
      node,
      `${shortName(node.urn)} (${node.type}) calls ${api}, which the plan does not enable${inProject}.`,
      `Add ${api} to the project's enabled services`,
    );
  } else if (!ctx.before(node, enabling)) {
    ctx.report(
      "api-enabled",
      node,
      `${shortName(node.urn)} (${node.type}) calls ${api} but does not wait for ${shortName(enabling[0].urn)}, which enables it.`,
      "Give it dependsOn the API's projects.Service (or a component that holds it)",
    );
  }
}
