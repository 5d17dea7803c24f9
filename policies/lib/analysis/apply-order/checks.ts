import {
  API_SERVICE,
  APPLY_ORDER_RULES,
  AR_REPOSITORY,
  type ApplyOrderRuleId,
  BUCKET,
  CLOUD_RUN_SERVICE,
  CLUSTER,
  CMEK_CONSUMERS,
  CMEK_ROLES,
  CRYPTO_KEY,
  GENERATED_SERVICE_AGENTS,
  NODE_POOL,
  SERVICE_IDENTITY,
  SERVICE_NETWORKING_CONNECTION,
  SQL_INSTANCE,
  apisOf,
  workloadPoolOfMember,
} from "../../../../components/catalog/apply-prerequisites";
import { ApplyGraph, type PlanNode, known, read } from "./graph";

/**
 * The apply-order checks: for each resource of a plan, the prerequisites of
 * components/catalog/apply-prerequisites.ts that the plan itself creates, and whether each is
 * created before the resource (ApplyGraph). A prerequisite the plan does not create (an API
 * enabled by hand, a cluster of another stack) is not checked, except where the plan manages it
 * in part (it enables APIs in the project, but not this one). Pure: no Pulumi runtime import.
 */
export interface ApplyOrderFinding {
  readonly rule: ApplyOrderRuleId;
  readonly urn: string;
  readonly message: string;
}

const shortName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** IAM members a resource grants: `member`, or every entry of `members`. */
export function grantedMembers(node: PlanNode): string[] {
  if (!/IAM|Iam/.test(node.type)) return [];
  const one = known(read(node.props, "member"));
  const many = read(node.props, "members");
  return [...(one ? [one] : []), ...(Array.isArray(many) ? many.map(known).filter((m): m is string => m !== undefined) : [])];
}

function projectOf(node: PlanNode): string | undefined {
  return known(read(node.props, "project"));
}

export function applyOrderFindings(nodes: readonly PlanNode[]): ApplyOrderFinding[] {
  const graph = new ApplyGraph(nodes);
  const findings: ApplyOrderFinding[] = [];
  const report = (rule: ApplyOrderRuleId, node: PlanNode, cause: string, fix: string) =>
    findings.push({ rule, urn: node.urn, message: `${cause} ${fix} (${APPLY_ORDER_RULES[rule].source}).` });
  const before = (node: PlanNode, candidates: readonly PlanNode[]) => candidates.some((c) => graph.isBefore(c.urn, node.urn));

  // APIs: the plan's projects.Service resources, by project and API.
  const services = graph.ofType(API_SERVICE);
  const managedProjects = new Set(services.map(projectOf).filter((p): p is string => p !== undefined));
  const servicesFor = (api: string, project: string | undefined) =>
    services.filter((s) => known(read(s.props, "service")) === api && (project === undefined || projectOf(s) === undefined || projectOf(s) === project));

  const clusters = graph.ofType(CLUSTER);
  const identities = graph.ofType(SERVICE_IDENTITY);
  const keyGrants = nodes.filter((n) => n.type.startsWith("gcp:kms/cryptoKeyIAM") && CMEK_ROLES.includes(String(read(n.props, "role"))));
  const connections = graph.ofType(SERVICE_NETWORKING_CONNECTION);
  const bucketGrants = nodes.filter((n) => n.type.startsWith("gcp:storage/bucketIAM"));
  const repositories = graph.ofType(AR_REPOSITORY);
  const projectGrants = nodes.filter((n) => n.type === "gcp:projects/iAMMember:IAMMember" || n.type === "gcp:projects/iAMBinding:IAMBinding");

  for (const node of nodes) {
    if (!node.type.startsWith("gcp:")) continue;

    // Every API the resource calls is enabled first, when the plan enables APIs in its project.
    const project = projectOf(node);
    if (managedProjects.size && (project === undefined || managedProjects.has(project))) {
      for (const api of apisOf(node.type, node.props)) {
        const enabling = servicesFor(api, project);
        if (enabling.length === 0) {
          report("api-enabled", node, `${shortName(node.urn)} (${node.type}) calls ${api}, which the plan does not enable${project ? ` in ${project}` : ""}.`, `Add ${api} to the project's enabled services`);
        } else if (!before(node, enabling)) {
          report("api-enabled", node, `${shortName(node.urn)} (${node.type}) calls ${api} but does not wait for ${shortName(enabling[0].urn)}, which enables it.`, "Give it dependsOn the API's projects.Service (or a component that holds it)");
        }
      }
    }

    for (const member of grantedMembers(node)) {
      // Workload Identity members: after a cluster with their pool.
      const pool = workloadPoolOfMember(member);
      if (pool) {
        const withPool = clusters.filter((c) => known(read(c.props, "workloadIdentityConfig.workloadPool")) === pool);
        if (withPool.length && !before(node, withPool)) {
          report("workload-identity-pool", node, `${shortName(node.urn)} grants ${member}, whose identity pool ${pool} exists only once ${shortName(withPool[0].urn)} is created, but does not depend on it.`, "Make the grant depend on the cluster (dependsOn, or an input taken from the cluster's outputs)");
        }
      }
      // Service agents Google creates on request: after their ServiceIdentity.
      const domain = /@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(member)?.[1];
      const api = domain ? GENERATED_SERVICE_AGENTS[domain] : undefined;
      if (api) {
        const creating = identities.filter((i) => known(read(i.props, "service")) === api);
        if (creating.length && !before(node, creating)) {
          report("service-agent-exists", node, `${shortName(node.urn)} grants ${member}, which exists only once ${shortName(creating[0].urn)} creates it, but does not wait for it.`, "Take the member from the ServiceIdentity's member output, or depend on it");
        }
      }
    }

    // Customer-managed keys: the service agent's grant on the key comes first.
    const cmek = CMEK_CONSUMERS[node.type];
    if (cmek) {
      for (const path of cmek.keyPaths) {
        const keyValue = known(read(node.props, path));
        const topLevel = path.split(".")[0];
        const keyUrns = (node.propertyDependencies[topLevel] ?? []).filter((u) => graph.byUrn.get(u)?.type === CRYPTO_KEY);
        if (!keyValue && keyUrns.length === 0 && read(node.props, path) === undefined) continue;
        const grantsOnKey = keyGrants.filter((g) =>
          (keyUrns.length && keyUrns.some((k) => (g.propertyDependencies.cryptoKeyId ?? []).includes(k))) ||
          (keyValue !== undefined && known(read(g.props, "cryptoKeyId")) === keyValue),
        );
        if (keyUrns.length === 0 && grantsOnKey.length === 0) continue; // a key from outside the plan
        // A member unknown during preview may be the agent: it counts.
        const agentGrants = grantsOnKey.filter((g) => grantedMembers(g).length === 0 || grantedMembers(g).some((m) => m.includes(`@${cmek.agentDomain}.`)));
        if (agentGrants.length === 0) {
          report("cmek-grant", node, `${shortName(node.urn)} encrypts with a key of the plan, but no grant of ${CMEK_ROLES[0]} on that key to the ${cmek.agentDomain} service agent is in the plan.`, "Grant the service agent the role on the key, and make the resource depend on the grant");
        } else if (!before(node, agentGrants)) {
          report("cmek-grant", node, `${shortName(node.urn)} encrypts with a key whose grant to the ${cmek.agentDomain} service agent (${shortName(agentGrants[0].urn)}) is not created before it.`, "Make the resource depend on the grant (dependsOn the key's component)");
        }
      }
    }

    // Private-IP Cloud SQL: after the network's service networking connection.
    if (node.type === SQL_INSTANCE && read(node.props, "settings.ipConfiguration.privateNetwork") !== undefined) {
      const network = known(read(node.props, "settings.ipConfiguration.privateNetwork"));
      const networkUrns = node.propertyDependencies.settings ?? [];
      const onNetwork = connections.filter((c) =>
        (network !== undefined && known(read(c.props, "network")) === network) || (c.propertyDependencies.network ?? []).some((u) => networkUrns.includes(u)),
      );
      const candidates = onNetwork.length ? onNetwork : connections;
      if (candidates.length && !before(node, candidates)) {
        report("service-networking", node, `${shortName(node.urn)} takes a private IP on a network whose service networking connection (${shortName(candidates[0].urn)}) is not created before it.`, "Make the instance depend on the connection");
      }
    }

    if (node.type === CLOUD_RUN_SERVICE) {
      const serviceAccount = known(read(node.props, "template.serviceAccount"));
      // Cloud Storage volumes: the bucket's grant to the service identity first.
      const volumes = read(node.props, "template.volumes");
      for (const volume of Array.isArray(volumes) ? volumes : []) {
        const bucket = known(read(volume, "gcs.bucket"));
        if (read(volume, "gcs") === undefined) continue;
        const bucketUrns = (node.propertyDependencies.template ?? []).filter((u) => graph.byUrn.get(u)?.type === BUCKET);
        const grants = bucketGrants.filter((g) =>
          ((bucket !== undefined && known(read(g.props, "bucket")) === bucket) || (g.propertyDependencies.bucket ?? []).some((u) => bucketUrns.includes(u))) &&
          (serviceAccount === undefined || grantedMembers(g).length === 0 || grantedMembers(g).includes(`serviceAccount:${serviceAccount}`)),
        );
        if (grants.length && !before(node, grants)) {
          report("cloud-run-volume-access", node, `${shortName(node.urn)} mounts bucket ${bucket ?? "(from the plan)"} but is not created after its grant to the service identity (${shortName(grants[0].urn)}).`, "Make the service depend on the bucket's IAM grant (dependsOn the bucket's component)");
        }
      }
      // Images from a repository of the plan: the repository first.
      const containers = read(node.props, "template.containers");
      for (const container of Array.isArray(containers) ? containers : []) {
        const image = known(read(container, "image"));
        if (!image) continue;
        const repository = repositories.find((r) => {
          const id = known(read(r.props, "repositoryId"));
          const location = known(read(r.props, "location"));
          const repoProject = known(read(r.props, "project"));
          return id && location && repoProject && image.startsWith(`${location}-docker.pkg.dev/${repoProject}/${id}/`);
        });
        if (repository && !graph.isBefore(repository.urn, node.urn)) {
          report("cloud-run-image-repository", node, `${shortName(node.urn)} runs ${image} from repository ${shortName(repository.urn)}, which is not created before it.`, "Make the service depend on the repository");
        }
      }
    }

    // Image streaming with a custom node service account: its Service Usage Consumer grant first.
    if (node.type === NODE_POOL && read(node.props, "nodeConfig.gcfsConfig.enabled") === true) {
      const serviceAccount = known(read(node.props, "nodeConfig.serviceAccount"));
      const saUrns = (node.propertyDependencies.nodeConfig ?? []).filter((u) => graph.byUrn.get(u)?.type === "gcp:serviceaccount/account:Account");
      if (serviceAccount === undefined && saUrns.length === 0) continue;
      const grants = projectGrants.filter((g) =>
        read(g.props, "role") === "roles/serviceusage.serviceUsageConsumer" &&
        ((serviceAccount !== undefined && grantedMembers(g).includes(`serviceAccount:${serviceAccount}`)) || (g.propertyDependencies.member ?? []).some((u) => saUrns.includes(u))),
      );
      if (grants.length === 0) {
        report("image-streaming-consumer", node, `${shortName(node.urn)} streams images (gcfsConfig) with node service account ${serviceAccount ?? "(from the plan)"}, which the plan does not grant roles/serviceusage.serviceUsageConsumer.`, "Grant the node service account the role on the project, before the pool");
      } else if (!before(node, grants)) {
        report("image-streaming-consumer", node, `${shortName(node.urn)} streams images but is not created after ${shortName(grants[0].urn)}, the node service account's Service Usage Consumer grant.`, "Make the pool depend on the grant");
      }
    }
  }
  return findings;
}
