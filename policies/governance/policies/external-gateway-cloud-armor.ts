import { EXTERNAL_GATEWAY_CLASSES } from "../../../components/catalog/gateway";
import { stackPolicy } from "../../lib/policy";
import {
  attachedTo,
  BACKEND_POLICY,
  backendsOf,
  describeBackend,
  GATEWAY,
  type GatewayObject,
  HTTP_ROUTE,
  objectName,
  policiesFor,
} from "../lib/gateway";

/**
 * A Gateway of an internet-facing class (components/catalog/gateway.ts EXTERNAL_GATEWAY_CLASSES)
 * has a Cloud Armor security policy on every backend its routes send to: GKE attaches Cloud Armor
 * per backend service through GCPBackendPolicy `default.securityPolicy` (GKE, "Configure Gateway
 * resources using Policies").
 */
export const externalGatewayCloudArmor = stackPolicy({
  name: "cnai-external-gateway-cloud-armor",
  description:
    "Internet-facing Gateways have a Cloud Armor security policy on every backend (rate limits and WAF rules in front of the model servers).",
  validate: (args, report) => {
    const objects: GatewayObject[] = args.resources.map((r) => ({ urn: r.urn, type: r.type, props: r.props }));
    const policies = objects.filter((o) => o.type === BACKEND_POLICY);
    const routes = objects.filter((o) => o.type === HTTP_ROUTE);
    for (const gateway of objects.filter((o) => o.type === GATEWAY)) {
      const gatewayClass = String(gateway.props.spec?.gatewayClassName ?? "");
      if (!EXTERNAL_GATEWAY_CLASSES.includes(gatewayClass)) continue;
      for (const route of routes.filter((r) => attachedTo(r.props, gateway.props))) {
        for (const backend of backendsOf(route.props)) {
          const armored = policiesFor(backend, policies).some(
            (p) => typeof p.spec?.default?.securityPolicy === "string" && p.spec.default.securityPolicy !== "",
          );
          if (!armored) {
            report(
              `Gateway ${objectName(gateway.props)} (${gatewayClass}) faces the internet, and its HTTPRoute ${objectName(route.props)} sends to ${describeBackend(backend)} with no Cloud Armor policy. Set spec.default.securityPolicy in a GCPBackendPolicy targeting it.`,
              route.urn,
            );
          }
        }
      }
    }
  },
});
