import { stackPolicy } from "../../lib/policy";
import {
  BACKEND_POLICY,
  backendsOf,
  describeBackend,
  type GatewayObject,
  HTTP_ROUTE,
  objectName,
  policiesFor,
} from "../lib/gateway";

/**
 * Every backend an HTTPRoute sends to has a GCPBackendPolicy (networking.gke.io/v1) that enables
 * Identity-Aware Proxy: GKE applies IAP per backend service (GKE, "Configure Gateway resources using
 * Policies": GCPBackendPolicy `default.iap.enabled`), so a backend without one answers anyone who
 * reaches the load balancer.
 */
export const routeBackendsIap = stackPolicy({
  name: "cnai-route-backends-iap",
  description:
    "Every HTTPRoute backend has IAP enabled by a GCPBackendPolicy, so no model endpoint answers a caller IAP has not authenticated and authorized.",
  validate: (args, report) => {
    const objects: GatewayObject[] = args.resources.map((r) => ({ urn: r.urn, type: r.type, props: r.props }));
    const policies = objects.filter((o) => o.type === BACKEND_POLICY);
    for (const route of objects.filter((o) => o.type === HTTP_ROUTE)) {
      for (const backend of backendsOf(route.props)) {
        const iap = policiesFor(backend, policies).some((p) => p.spec?.default?.iap?.enabled === true);
        if (!iap) {
          report(
            `HTTPRoute ${objectName(route.props)} sends to ${describeBackend(backend)}, which no GCPBackendPolicy protects with IAP. Add a GCPBackendPolicy targeting it with spec.default.iap.enabled: true (ModelRoute does, with gateway.iap).`,
            route.urn,
          );
        }
      }
    }
  },
});
