import {
  CLUSTER,
  CMEK_CONSUMERS,
  CMEK_GRANT_LEVELS,
  CMEK_ROLES,
  CRYPTO_KEY,
  GENERATED_SERVICE_AGENTS,
  KEY_RING,
  NODE_POOL,
  SERVICE_IDENTITY,
  workloadPoolOfMember,
} from "../../../../components/catalog/apply-prerequisites";
import { type CheckContext, grantedMembers, mayGrantTo, shortName } from "./context";
import { known, type PlanNode, read } from "./graph";

/**
 * Grants and the identities they name (APPLY_ORDER_RULES "workload-identity-pool",
 * "service-agent-exists", "cmek-grant", "image-streaming-consumer"). Pure: no Pulumi runtime import.
 */
export function checkIdentities(ctx: CheckContext): void {
  const clusters = ctx.graph.ofType(CLUSTER);
  const identities = ctx.graph.ofType(SERVICE_IDENTITY);
  for (const node of ctx.nodes) {
    if (!node.type.startsWith("gcp:")) continue;
    for (const member of grantedMembers(node)) {
      // Workload Identity members: after a cluster with their pool.
      const pool = workloadPoolOfMember(member);
      if (pool) {
        const withPool = clusters.filter((c) => known(read(c.props, "workloadIdentityConfig.workloadPool")) === pool);
        if (withPool.length && !ctx.before(node, withPool)) {
          ctx.report(
            "workload-identity-pool",
            node,
            `${shortName(node.urn)} grants ${member}, whose identity pool ${pool} exists only once ${shortName(withPool[0].urn)} is created, but does not depend on it.`,
            "Make the grant depend on the cluster (dependsOn, or an input taken from the cluster's outputs)",
          );
        }
      }
      // Service agents Google creates on request: after their ServiceIdentity.
      const domain = /@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(member)?.[1];
      const api = domain ? GENERATED_SERVICE_AGENTS[domain] : undefined;
      if (api) {
        const creating = identities.filter((i) => known(read(i.props, "service")) === api);
        if (creating.length && !ctx.before(node, creating)) {
          ctx.report(
            "service-agent-exists",
            node,
            `${shortName(node.urn)} grants ${member}, which exists only once ${shortName(creating[0].urn)} creates it, but does not wait for it.`,
            "Take the member from the ServiceIdentity's member output, or depend on it",
          );
        }
      }
    }
    checkCmek(ctx, node);
    if (node.type === NODE_POOL) checkImageStreaming(ctx, node);
  }
}

/** The grants of a CMEK role that serve a key: on the key, its key ring, or the key's project. */
function cmekGrantsFor(ctx: CheckContext, keyUrns: readonly string[], keyValue: string | undefined): PlanNode[] {
  const keys = keyUrns.map((u) => ctx.graph.byUrn.get(u)!); // dependenciesOf: resources of the plan
  const ringUrns = keys.flatMap((k) => ctx.dependenciesOf(k, "keyRing", KEY_RING));
  const ringValues = [...keys.map((k) => known(read(k.props, "keyRing"))), keyValue?.split("/cryptoKeys/")[0]].filter(
    (v): v is string => v !== undefined,
  );
  const keyProjects = ringValues
    .map((ring) => /^projects\/([^/]+)\//.exec(ring)?.[1])
    .filter((p): p is string => p !== undefined);
  const onLevel = (level: keyof typeof CMEK_GRANT_LEVELS, urns: readonly string[], values: readonly string[]) =>
    ctx.ofTypes(CMEK_GRANT_LEVELS[level].types).filter((g) => {
      if (!CMEK_ROLES.includes(String(read(g.props, "role")))) return false;
      const input = CMEK_GRANT_LEVELS[level].input;
      const value = known(read(g.props, input));
      return (
        (g.propertyDependencies[input] ?? []).some((u) => urns.includes(u)) ||
        (value !== undefined && values.includes(value))
      );
    });
  return [
    ...onLevel("key", keyUrns, keyValue ? [keyValue] : []),
    ...onLevel("keyRing", ringUrns, ringValues),
    ...onLevel("project", [], keyProjects),
  ];
}

/** Customer-managed keys: the service agent's grant on the key (or its ring, or project) comes first. */
function checkCmek(ctx: CheckContext, node: PlanNode): void {
  const cmek = CMEK_CONSUMERS[node.type];
  if (!cmek) return;
  for (const path of cmek.keyPaths) {
    const keyValue = known(read(node.props, path));
    const keyUrns = ctx.dependenciesOf(node, path.split(".")[0], CRYPTO_KEY);
    const grants = cmekGrantsFor(ctx, keyUrns, keyValue);
    if (keyUrns.length === 0 && grants.length === 0) continue; // a key from outside the plan
    // A member unknown during preview may be the agent: it counts.
    const agentGrants = grants.filter((g) => mayGrantTo(g, (m) => m.includes(`@${cmek.agentDomain}.`)));
    if (agentGrants.length === 0) {
      ctx.report(
        "cmek-grant",
        node,
        `${shortName(node.urn)} encrypts with a key of the plan, but no grant of ${CMEK_ROLES[0]} on that key (or its key ring, or project) to the ${cmek.agentDomain} service agent is in the plan.`,
        "Grant the service agent the role on the key, and make the resource depend on the grant",
      );
    } else if (!ctx.before(node, agentGrants)) {
      ctx.report(
        "cmek-grant",
        node,
        `${shortName(node.urn)} encrypts with a key whose grant to the ${cmek.agentDomain} service agent (${shortName(agentGrants[0].urn)}) is not created before it.`,
        "Make the resource depend on the grant (dependsOn the key's component)",
      );
    }
  }
}

/** Image streaming with a custom node service account: its Service Usage Consumer grant first. */
function checkImageStreaming(ctx: CheckContext, node: PlanNode): void {
  if (read(node.props, "nodeConfig.gcfsConfig.enabled") !== true) return;
  const serviceAccount = known(read(node.props, "nodeConfig.serviceAccount"));
  const saUrns = ctx.dependenciesOf(node, "nodeConfig", "gcp:serviceaccount/account:Account");
  if (serviceAccount === undefined && saUrns.length === 0) return;
  const grants = ctx
    .ofTypes(["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"])
    .filter(
      (g) =>
        read(g.props, "role") === "roles/serviceusage.serviceUsageConsumer" &&
        ((serviceAccount !== undefined && grantedMembers(g).includes(`serviceAccount:${serviceAccount}`)) ||
          (g.propertyDependencies.member ?? []).some((u) => saUrns.includes(u))),
    );
  if (grants.length === 0) {
    ctx.report(
      "image-streaming-consumer",
      node,
      `${shortName(node.urn)} streams images (gcfsConfig) with node service account ${serviceAccount ?? "(from the plan)"}, which the plan does not grant roles/serviceusage.serviceUsageConsumer.`,
      "Grant the node service account the role on the project, before the pool",
    );
  } else if (!ctx.before(node, grants)) {
    ctx.report(
      "image-streaming-consumer",
      node,
      `${shortName(node.urn)} streams images but is not created after ${shortName(grants[0].urn)}, the node service account's Service Usage Consumer grant.`,
      "Make the pool depend on the grant",
    );
  }
}
