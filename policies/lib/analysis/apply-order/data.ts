import {
  BIGQUERY_GRANT_TYPES,
  BIGQUERY_TABLE,
  BIGQUERY_WRITER_ROLES,
  PUBSUB_SERVICE_AGENT_DOMAIN,
  PUBSUB_SUBSCRIPTION,
  SERVICE_NETWORKING_CONNECTION,
  SQL_INSTANCE,
} from "../../../../components/catalog/apply-prerequisites";
import { type CheckContext, mayGrantTo, shortName } from "./context";
import { known, type PlanNode, read } from "./graph";

/**
 * Data services (APPLY_ORDER_RULES "service-networking", "pubsub-bigquery-writer"). Pure: no Pulumi
 * runtime import.
 */
export function checkData(ctx: CheckContext): void {
  const connections = ctx.graph.ofType(SERVICE_NETWORKING_CONNECTION);
  for (const node of ctx.nodes) {
    if (node.type === SQL_INSTANCE) checkPrivateIp(ctx, node, connections);
    if (node.type === PUBSUB_SUBSCRIPTION && read(node.props, "bigqueryConfig") !== undefined)
      checkBigQueryWriter(ctx, node);
  }
}

/** Private-IP Cloud SQL: after the network's service networking connection. */
function checkPrivateIp(ctx: CheckContext, node: PlanNode, connections: readonly PlanNode[]): void {
  if (read(node.props, "settings.ipConfiguration.privateNetwork") === undefined) return;
  const network = known(read(node.props, "settings.ipConfiguration.privateNetwork"));
  const networkUrns = node.propertyDependencies.settings ?? [];
  const onNetwork = connections.filter(
    (c) =>
      (network !== undefined && known(read(c.props, "network")) === network) ||
      (c.propertyDependencies.network ?? []).some((u) => networkUrns.includes(u)),
  );
  const candidates = onNetwork.length ? onNetwork : connections;
  if (candidates.length && !ctx.before(node, candidates)) {
    ctx.report(
      "service-networking",
      node,
      `${shortName(node.urn)} takes a private IP on a network whose service networking connection (${shortName(candidates[0].urn)}) is not created before it.`,
      "Make the instance depend on the connection",
    );
  }
}

/** A BigQuery subscription: its writer's grant on the table (or dataset, or project) first. */
function checkBigQueryWriter(ctx: CheckContext, node: PlanNode): void {
  // `project.dataset.table` (or `project:dataset.table`), or the plan's table it came from.
  const tableRef = known(read(node.props, "bigqueryConfig.table"));
  const [, project, dataset, table] = /^([^.:]+)[.:]([^.]+)\.(.+)$/.exec(tableRef ?? "") ?? [];
  const tableUrns = ctx.dependenciesOf(node, "bigqueryConfig", BIGQUERY_TABLE);
  const tables = ctx.graph
    .ofType(BIGQUERY_TABLE)
    .filter(
      (t) =>
        tableUrns.includes(t.urn) ||
        (table !== undefined &&
          known(read(t.props, "tableId")) === table &&
          known(read(t.props, "datasetId")) === dataset),
    );
  const datasetUrns = tables.flatMap((t) => t.propertyDependencies.datasetId ?? []);
  // The ids from the reference, else (a table taken from the plan's output) from the plan's tables.
  const idsOf = (ref: string | undefined, input: string) =>
    ref !== undefined
      ? [ref]
      : tables.map((t) => known(read(t.props, input))).filter((v): v is string => v !== undefined);
  const [tableIds, datasetIds, projects] = [
    idsOf(table, "tableId"),
    idsOf(dataset, "datasetId"),
    idsOf(project, "project"),
  ];
  const isOneOf = (value: string | undefined, values: readonly string[]) =>
    value !== undefined && values.includes(value);
  const serviceAccount = known(read(node.props, "bigqueryConfig.serviceAccountEmail"));
  const isWriter = (member: string) =>
    serviceAccount
      ? member === `serviceAccount:${serviceAccount}`
      : member.includes(`@${PUBSUB_SERVICE_AGENT_DOMAIN}.`);
  const writerGrant = (g: PlanNode) =>
    BIGQUERY_WRITER_ROLES.includes(String(read(g.props, "role"))) && mayGrantTo(g, isWriter);
  const on = (g: PlanNode, input: string, urns: readonly string[], values: readonly string[]) =>
    (g.propertyDependencies[input] ?? []).some((u) => urns.includes(u)) || isOneOf(known(read(g.props, input)), values);
  const grants = [
    ...ctx.ofTypes(BIGQUERY_GRANT_TYPES.table).filter(
      (g) =>
        writerGrant(g) &&
        on(
          g,
          "tableId",
          tables.map((t) => t.urn),
          tableIds,
        ) &&
        (datasetIds.length === 0 ||
          known(read(g.props, "datasetId")) === undefined ||
          isOneOf(known(read(g.props, "datasetId")), datasetIds)),
    ),
    ...ctx
      .ofTypes(BIGQUERY_GRANT_TYPES.dataset)
      .filter((g) => writerGrant(g) && on(g, "datasetId", datasetUrns, datasetIds)),
    ...ctx
      .ofTypes(["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"])
      .filter((g) => writerGrant(g) && isOneOf(known(read(g.props, "project")), projects)),
  ];
  const writer = serviceAccount ?? "the Pub/Sub service agent";
  if (grants.length === 0) {
    if (tables.length === 0) return; // a table from outside the plan: its grants are too
    ctx.report(
      "pubsub-bigquery-writer",
      node,
      `${shortName(node.urn)} writes to BigQuery table ${tableRef ?? shortName(tables[0].urn)} as ${writer}, which the plan does not grant ${BIGQUERY_WRITER_ROLES[0]} on the table, its dataset or project.`,
      "Grant the writer the role on the table, and make the subscription depend on the grant",
    );
  } else if (!ctx.before(node, grants)) {
    ctx.report(
      "pubsub-bigquery-writer",
      node,
      `${shortName(node.urn)} writes to BigQuery as ${writer} but is not created after ${shortName(grants[0].urn)}, the grant Pub/Sub checks when it creates the subscription.`,
      "Make the subscription depend on the grant",
    );
  }
}
