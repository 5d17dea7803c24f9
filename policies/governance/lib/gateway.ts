import type { Props } from "../../lib/resources";

/** What the gateway policies read from a stack: Gateways, HTTPRoutes and GCPBackendPolicies. */
export interface GatewayObject {
  readonly urn: string;
  readonly type: string;
  readonly props: Props;
}

export const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
export const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
export const BACKEND_POLICY = "kubernetes:networking.gke.io/v1:GCPBackendPolicy";

const namespaceOf = (props: Props): string =>
  typeof props.metadata?.namespace === "string" ? props.metadata.namespace : "default";

/** A route's backend: group "" and kind Service unless given (Gateway API BackendObjectReference defaults). */
export interface Backend {
  readonly namespace: string;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

export function backendsOf(route: Props): Backend[] {
  const ns = namespaceOf(route);
  return (route.spec?.rules ?? []).flatMap((rule: Props) =>
    (rule.backendRefs ?? []).map((ref: Props) => ({
      namespace: typeof ref.namespace === "string" ? ref.namespace : ns,
      group: typeof ref.group === "string" ? ref.group : "",
      kind: typeof ref.kind === "string" ? ref.kind : "Service",
      name: String(ref.name),
    })),
  );
}

export const describeBackend = (b: Backend): string => `${b.kind} ${b.namespace}/${b.name}`;

/** The GCPBackendPolicies that target a backend (same namespace, group, kind and name). */
export function policiesFor(backend: Backend, policies: readonly GatewayObject[]): Props[] {
  return policies
    .map((p) => p.props)
    .filter((p) => {
      const ref = p.spec?.targetRef ?? {};
      return (
        namespaceOf(p) === backend.namespace &&
        String(ref.group ?? "") === backend.group &&
        ref.kind === backend.kind &&
        ref.name === backend.name
      );
    });
}

/** Whether a route is attached to a Gateway (parentRefs, namespace defaulting to the route's). */
export function attachedTo(route: Props, gateway: Props): boolean {
  const gatewayName = gateway.metadata?.name;
  const gatewayNs = namespaceOf(gateway);
  return (route.spec?.parentRefs ?? []).some(
    (ref: Props) =>
      (ref.kind ?? "Gateway") === "Gateway" &&
      ref.name === gatewayName &&
      (typeof ref.namespace === "string" ? ref.namespace : namespaceOf(route)) === gatewayNs,
  );
}

export const objectName = (props: Props): string => `${namespaceOf(props)}/${String(props.metadata?.name)}`;
