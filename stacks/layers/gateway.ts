import type * as pulumi from "@pulumi/pulumi";
import { ModelGateway } from "../../components/gateway/model-gateway";
import { ModelRoute } from "../../components/gateway/model-route";
import { teamNamespaceName } from "../../components/naming";
import { ProxyOnlySubnet } from "../../components/network/proxy-only-subnet";
import { servedByVllm } from "../../components/serving/model-deployment";
import { inBatches } from "./batches";
import type { LayerContext } from "./context";
import type { Foundation } from "./foundation";
import type { Workloads } from "./workloads";

/**
 * Certificate Manager (the gateway's certificate), IAP (its backends), and Network Services, which
 * GKE Inference Gateway uses for the endpoint picker's traffic extension (GKE, "Deploy GKE Inference
 * Gateway", Before you begin).
 */
export const GATEWAY_APIS = [
  "certificatemanager.googleapis.com",
  "iap.googleapis.com",
  "networkservices.googleapis.com",
] as const;

/** OTLP/gRPC endpoint of the stack's trace collector, when tracing is on. */
export type TraceTarget = { endpoint: string; samplingRatio: number } | undefined;

/**
 * The model gateway, when `gateway.hostname` is set: the proxy-only subnet, the Gateway with its
 * certificate, IAP grants and (external) Cloud Armor, and a route per served model (an InferencePool
 * and endpoint picker for vLLM-served LLMs, the predictor Service otherwise).
 */
export async function buildGateway(
  ctx: LayerContext,
  foundation: Foundation,
  workloads: Workloads,
  afterApis: pulumi.Resource[],
  tracing: TraceTarget,
) {
  const { settings, project, region, prefix, labels } = ctx;
  const gateway = settings.gateway;
  if (!gateway.hostname) return undefined;
  const proxyOnly = new ProxyOnlySubnet(
    "gateway-proxy-only",
    { project, region, prefix, network: foundation.network.networkId, cidr: gateway.proxyOnlyCidr },
    { dependsOn: [...afterApis, foundation.network] },
  );
  const models = settings.serving.models;
  const modelGateway = new ModelGateway(
    "model-gateway",
    {
      project,
      region,
      prefix,
      labels,
      hostname: gateway.hostname,
      exposure: gateway.exposure,
      certificate: gateway.certificate,
      access: gateway.access.map((entry) => ({ team: entry.team, members: entry.members, models: entry.models })),
      cloudArmor: gateway.cloudArmor,
    },
    // The Gateway is reconciled by GKE once the cluster's Gateway API is on; its load balancer needs the proxy-only subnet.
    { providers: { kubernetes: foundation.provider }, dependsOn: [...afterApis, proxyOnly, foundation.cluster] },
  );
  const routes = await inBatches(
    models.map((model, i) => ({ model, deployment: workloads.modelDeployments[i] })),
    ({ model, deployment }) =>
      new ModelRoute(
        `${model.name}-route`,
        {
          labels,
          team: model.team,
          namespace: teamNamespaceName(model.team),
          model: model.name,
          backend: servedByVllm(model.args) ? "inference-pool" : "service",
          hostname: gateway.hostname as string,
          iap: gateway.iap,
          securityPolicy: modelGateway.securityPolicy,
          proxyRange: gateway.proxyOnlyCidr,
          tracing,
        },
        // The Gateway its routes attach to, not the whole component: its IAP grants (one per team) would make
        // every route wait on every team's grant, a dependency list that grows with teams squared.
        { providers: { kubernetes: foundation.provider }, dependsOn: [deployment, modelGateway.gateway] },
      ),
  );
  return { proxyOnly, modelGateway, routes };
}

export type Gateway = Awaited<ReturnType<typeof buildGateway>>;
