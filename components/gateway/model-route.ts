import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENDPOINT_PICKER, MODEL_SERVER } from "../catalog/gateway";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { kubernetesLabels, type StackLabels } from "../labels";
import { EndpointPicker, endpointPickerName } from "./endpoint-picker";
import { GATEWAY_NAME, GATEWAY_NAMESPACE, modelPath } from "./model-gateway";

/** KServe's predictor Pods carry these labels (kserve/kserve v0.20.0 pkg/constants: InferenceServicePodLabelKey, component). */
export function predictorSelector(model: string): Record<string, string> {
  return { "serving.kserve.io/inferenceservice": model, component: "predictor" };
}

/** KServe's predictor Service in Standard mode: `<name>-predictor` on port 80 (reconcilers/service/service_reconciler.go). */
export const PREDICTOR_SERVICE_PORT = 80;

export interface ModelRouteArgs {
  labels: StackLabels;
  team: string;
  namespace: string;
  /** The InferenceService's name. */
  model: string;
  /**
   * `inference-pool`: an LLM served by vLLM, routed through an InferencePool and its endpoint picker;
   * `service`: any other model, routed to its predictor Service.
   */
  backend: "inference-pool" | "service";
  hostname: string;
  /** IAP on the backend. */
  iap: boolean;
  /** A Cloud Armor policy's name for the backend (external gateways). @default none */
  securityPolicy?: pulumi.Input<string>;
  /** Source range of the load balancer's proxies (the proxy-only subnet), let into the model's Pods. */
  proxyRange: string;
  /** Tracing of the endpoint picker. @default off */
  tracing?: { endpoint: string; samplingRatio: number };
  /** Request timeout at the load balancer, seconds. @default 300 (long generations) */
  timeoutSec?: number;
}

/**
 * One model behind the gateway: an HTTPRoute at `https://<host>/<team>/<model>/…` (the prefix
 * rewritten to `/`), its backend (an InferencePool with its endpoint picker for an LLM, or the
 * predictor Service), a GCPBackendPolicy with IAP (and Cloud Armor when given), a HealthCheckPolicy
 * on the model server's readiness path, and a NetworkPolicy letting the load balancer's proxies in.
 */
export class ModelRoute extends pulumi.ComponentResource {
  public readonly route: k8s.apiextensions.CustomResource;
  public readonly pool?: k8s.apiextensions.CustomResource;
  public readonly picker?: EndpointPicker;
  public readonly path: string;

  constructor(name: string, args: ModelRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:gateway:ModelRoute", name, {}, opts);
    const fail = argumentError("ModelRoute", name, this);
    if (args.backend !== "inference-pool" && args.backend !== "service")
      fail(`backend ${args.backend} is not one of inference-pool, service`);
    const timeoutSec = args.timeoutSec ?? 300;
    if (!Number.isInteger(timeoutSec) || timeoutSec < 1 || timeoutSec > 86400)
      fail(`timeoutSec must be a whole number of seconds from 1 to 86400 (got ${timeoutSec})`);
    this.path = modelPath(args.team, args.model);
    const labels = { ...kubernetesLabels(args.labels, "model-route"), "cnai.dev/team": args.team };
    const meta = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels });

    const target = backendTarget(args.model, args.backend);
    if (args.backend === "inference-pool") {
      this.picker = new EndpointPicker(
        `${name}-epp`,
        { pool: args.model, namespace: args.namespace, labels, tracing: args.tracing },
        childOptions(this, opts),
      );
      this.pool = new k8s.apiextensions.CustomResource(
        `${name}-pool`,
        {
          apiVersion: "inference.networking.k8s.io/v1",
          kind: "InferencePool",
          metadata: meta(args.model),
          spec: inferencePoolSpec(args.model),
        },
        childOptions(this, opts),
      );
    }

    this.route = new k8s.apiextensions.CustomResource(
      `${name}-route`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: meta(args.model),
        spec: {
          parentRefs: [
            { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME },
          ],
          hostnames: [args.hostname],
          rules: [
            {
              matches: [{ path: { type: "PathPrefix", value: this.path } }],
              filters: [
                { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
              ],
              backendRefs: [
                args.backend === "inference-pool"
                  ? { group: target.group, kind: target.kind, name: target.name, port: MODEL_SERVER.port }
                  : { group: "", kind: "Service", name: target.name, port: PREDICTOR_SERVICE_PORT },
              ],
            },
          ],
        },
      },
      childOptions(this, opts, { dependsOn: this.pool ? [this.pool] : [] }),
    );

    new k8s.apiextensions.CustomResource(
      `${name}-backend-policy`,
      {
        apiVersion: "networking.gke.io/v1",
        kind: "GCPBackendPolicy",
        metadata: meta(args.model),
        spec: {
          targetRef: target,
          default: {
            timeoutSec,
            logging: { enabled: true, sampleRate: 1_000_000 },
            // No clientID: IAP uses a Google-managed OAuth client (the IAP OAuth Admin API that created
            // custom clients was shut down in 2025; GKE, "Configure IAP" for Gateway).
            ...(args.iap ? { iap: { enabled: true } } : {}),
            ...(args.securityPolicy ? { securityPolicy: args.securityPolicy } : {}),
          },
        },
      },
      childOptions(this, opts, { dependsOn: this.pool ? [this.pool] : [] }),
    );
    new k8s.apiextensions.CustomResource(
      `${name}-health-check`,
      {
        apiVersion: "networking.gke.io/v1",
        kind: "HealthCheckPolicy",
        metadata: meta(args.model),
        spec: {
          targetRef: target,
          default: {
            checkIntervalSec: 5,
            timeoutSec: 2,
            config: {
              type: "HTTP",
              httpHealthCheck: {
                portSpecification: "USE_FIXED_PORT",
                port: MODEL_SERVER.port,
                requestPath: MODEL_SERVER.readinessPath,
              },
            },
          },
        },
      },
      childOptions(this, opts, { dependsOn: this.pool ? [this.pool] : [] }),
    );
    for (const policy of gatewayIngressPolicies(args.model, args.backend, args.proxyRange)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.name}`,
        { metadata: meta(`${args.model}-${policy.name}`), spec: policy.spec },
        childOptions(this, opts),
      );
    }
    this.registerOutputs({ path: this.path });
  }
}

/** What the route's policies target: the InferencePool, or the predictor Service. */
export function backendTarget(model: string, backend: "inference-pool" | "service") {
  return backend === "inference-pool"
    ? { group: "inference.networking.k8s.io", kind: "InferencePool", name: model }
    : { group: "", kind: "Service", name: `${model}-predictor` };
}

/** The InferencePool of a vLLM-served model: its predictor Pods on the model server's port, picked by `<model>-epp`. */
export function inferencePoolSpec(model: string) {
  return {
    selector: { matchLabels: predictorSelector(model) },
    targetPorts: [{ number: MODEL_SERVER.port }],
    appProtocol: "http",
    endpointPickerRef: {
      group: "",
      kind: "Service",
      name: endpointPickerName(model),
      port: { number: ENDPOINT_PICKER.extProcPort },
      // The chart's default: requests still flow (round-robin) while the picker restarts.
      failureMode: "FailOpen",
    },
  };
}

/**
 * Regional load balancers reach Pods from the proxy-only subnet, and health checks come from
 * Google's probe ranges (Load Balancing, "Proxy-only subnets"; "Health check firewall rules"); the
 * endpoint picker is called on its ext_proc port by the same proxies. The team namespace denies all
 * other ingress (TeamNamespace's default-deny), so each opening names its Pods and port.
 */
export function gatewayIngressPolicies(model: string, backend: "inference-pool" | "service", proxyRange: string) {
  const from = [{ ipBlock: { cidr: proxyRange } }];
  const policies: Array<{ name: string; spec: k8s.types.input.networking.v1.NetworkPolicySpec }> = [
    {
      name: "from-gateway",
      spec: {
        podSelector: { matchLabels: predictorSelector(model) },
        policyTypes: ["Ingress"],
        ingress: [{ from, ports: [{ protocol: "TCP", port: MODEL_SERVER.port }] }],
      },
    },
  ];
  if (backend === "inference-pool") {
    policies.push({
      name: "epp-from-gateway",
      spec: {
        podSelector: { matchLabels: { [ENDPOINT_PICKER.selectorLabel]: endpointPickerName(model) } },
        policyTypes: ["Ingress"],
        ingress: [{ from, ports: [{ protocol: "TCP", port: ENDPOINT_PICKER.extProcPort }] }],
      },
    });
  }
  return policies;
}
