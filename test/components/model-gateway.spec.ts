import * as assert from "node:assert";
import { EndpointPicker } from "../../components/gateway/endpoint-picker";
import { accessCondition, ModelGateway, type ModelGatewayArgs } from "../../components/gateway/model-gateway";
import { ModelRoute, type ModelRouteArgs } from "../../components/gateway/model-route";
import { ProxyOnlySubnet } from "../../components/network/proxy-only-subnet";
import { servedByVllm } from "../../components/serving/model-deployment";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const gatewayArgs = (overrides: Partial<ModelGatewayArgs> = {}): ModelGatewayArgs => ({
  project: "acme-test",
  region: "us-central1",
  prefix: "cnai-test",
  labels: STACK_LABELS,
  hostname: "models.acme.example",
  exposure: "internal",
  cloudArmor: { requestsPerClientPerMinute: 600, wafRules: ["sqli-v33-stable", "xss-v33-stable"] },
  ...overrides,
});

const routeArgs = (overrides: Partial<ModelRouteArgs> = {}): ModelRouteArgs => ({
  labels: STACK_LABELS,
  team: "nlp",
  namespace: "team-nlp",
  model: "chat",
  backend: "inference-pool",
  hostname: "models.acme.example",
  iap: true,
  proxyRange: "10.129.0.0/23",
  ...overrides,
});

const CR = "kubernetes:gateway.networking.k8s.io/v1:Gateway";

describe("ProxyOnlySubnet", () => {
  it("is an ACTIVE REGIONAL_MANAGED_PROXY subnet of the VPC, and refuses a range below /26", async () => {
    const result = await run(
      () =>
        new ProxyOnlySubnet("proxy", {
          project: "acme-test",
          region: "us-central1",
          prefix: "cnai-test",
          network: "vpc",
          cidr: "10.129.0.0/23",
        }),
    );
    const subnet = one(result, "gcp:compute/subnetwork:Subnetwork");
    assert.deepStrictEqual(
      [input(subnet, "purpose"), input(subnet, "role"), input(subnet, "ipCidrRange"), input(subnet, "region")],
      ["REGIONAL_MANAGED_PROXY", "ACTIVE", "10.129.0.0/23", "us-central1"],
    );
    assert.strictEqual(input(subnet, "secondaryIpRanges"), undefined);
    await assert.rejects(
      run(
        () =>
          new ProxyOnlySubnet("proxy", {
            project: "p",
            region: "us-central1",
            prefix: "x",
            network: "vpc",
            cidr: "10.129.0.0/28",
          }),
      ),
      /ProxyOnlySubnet "proxy": cidr 10\.129\.0\.0\/28: a proxy-only subnet needs a \/26 or larger range/,
    );
  });
});

describe("ModelGateway", () => {
  it("internal: a gke-l7-rilb Gateway with one HTTPS listener, a regional Google-managed certificate, routes from team namespaces, no Cloud Armor", async () => {
    const result = await run(() => new ModelGateway("gw", gatewayArgs()));
    const gateway = one(result, CR);
    assert.strictEqual(input(gateway, "spec.gatewayClassName"), "gke-l7-rilb");
    const listeners = input(gateway, "spec.listeners") as Array<Record<string, unknown>>;
    assert.strictEqual(listeners.length, 1);
    assert.deepStrictEqual(
      [listeners[0].protocol, listeners[0].port, listeners[0].hostname],
      ["HTTPS", 443, "models.acme.example"],
    );
    assert.deepStrictEqual(listeners[0].tls, {
      mode: "Terminate",
      options: { "networking.gke.io/cert-manager-certs": "cnai-test-models" },
    });
    assert.deepStrictEqual(listeners[0].allowedRoutes, {
      namespaces: { from: "Selector", selector: { matchLabels: { "cnai.dev/component": "team-namespace" } } },
      kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
    });
    const auth = one(result, "gcp:certificatemanager/dnsAuthorization:DnsAuthorization");
    assert.deepStrictEqual(
      [input(auth, "location"), input(auth, "type"), input(auth, "domain")],
      ["us-central1", "PER_PROJECT_RECORD", "models.acme.example"],
    );
    const cert = one(result, "gcp:certificatemanager/certificate:Certificate");
    assert.strictEqual(input(cert, "location"), "us-central1");
    assert.deepStrictEqual(input(cert, "managed.domains"), ["models.acme.example"]);
    assert.strictEqual(all(result, "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy").length, 0);
  });

  it("external: gke-l7-regional-external-managed with a Cloud Armor policy of WAF rules, a per-IP throttle and a default allow", async () => {
    const result = await run(() => new ModelGateway("gw", gatewayArgs({ exposure: "external" })));
    assert.strictEqual(input(one(result, CR), "spec.gatewayClassName"), "gke-l7-regional-external-managed");
    const policy = one(result, "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy");
    assert.strictEqual(input(policy, "type"), "CLOUD_ARMOR");
    const rules = input(policy, "rules") as Array<{
      priority: number;
      action: string;
      match: { expr: { expression: string } };
      rateLimitOptions?: unknown;
    }>;
    assert.deepStrictEqual(
      rules.map((r) => [r.priority, r.action]),
      [
        [1000, "deny(403)"],
        [1010, "deny(403)"],
        [2000, "throttle"],
        [2147483647, "allow"],
      ],
    );
    assert.strictEqual(
      rules[0].match.expr.expression,
      "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 1})",
    );
    assert.deepStrictEqual(rules[2].rateLimitOptions, {
      conformAction: "allow",
      exceedAction: "deny(429)",
      enforceOnKey: "IP",
      rateLimitThreshold: { count: 600, intervalSec: 60 },
    });
  });

  it("uses an existing certificate by name without creating one", async () => {
    const result = await run(() => new ModelGateway("gw", gatewayArgs({ certificate: "models-cert" })));
    assert.strictEqual(all(result, "gcp:certificatemanager/certificate:Certificate").length, 0);
    assert.deepStrictEqual(input(one(result, CR), "spec.listeners.0.tls.options"), {
      "networking.gke.io/cert-manager-certs": "models-cert",
    });
  });

  it("grants roles/iap.httpsResourceAccessor per member, conditioned on the host and the team's or model's path", async () => {
    const result = await run(
      () =>
        new ModelGateway(
          "gw",
          gatewayArgs({
            access: [
              { team: "nlp", members: ["group:nlp@acme.example", "serviceAccount:bot@p.iam.gserviceaccount.com"] },
              { team: "vision", members: ["group:vision@acme.example"], models: ["detector"] },
            ],
          }),
        ),
    );
    const grants = all(result, "gcp:iap/webTypeComputeIamMember:WebTypeComputeIamMember");
    assert.deepStrictEqual(
      grants.map((g) => [input(g, "role"), input(g, "member"), input(g, "condition.expression")]),
      [
        [
          "roles/iap.httpsResourceAccessor",
          "group:nlp@acme.example",
          'request.host == "models.acme.example" && request.path.startsWith("/nlp/")',
        ],
        [
          "roles/iap.httpsResourceAccessor",
          "serviceAccount:bot@p.iam.gserviceaccount.com",
          'request.host == "models.acme.example" && request.path.startsWith("/nlp/")',
        ],
        [
          "roles/iap.httpsResourceAccessor",
          "group:vision@acme.example",
          'request.host == "models.acme.example" && request.path.startsWith("/vision/detector/")',
        ],
      ],
    );
    assert.strictEqual(
      accessCondition("h.example", "a"),
      'request.host == "h.example" && request.path.startsWith("/a/")',
    );
  });

  it("refuses public members", async () => {
    await assert.rejects(
      run(() => new ModelGateway("gw", gatewayArgs({ access: [{ team: "nlp", members: ["allUsers"] }] }))),
      /allUsers would make the resource public/,
    );
  });
});

describe("ModelRoute", () => {
  it("an LLM: an InferencePool over the predictor Pods on 8080 picked by <model>-epp, the route's backend", async () => {
    const result = await run(() => new ModelRoute("chat-route", routeArgs()));
    const pool = one(result, "kubernetes:inference.networking.k8s.io/v1:InferencePool");
    assert.deepStrictEqual(input(pool, "spec"), {
      selector: { matchLabels: { "serving.kserve.io/inferenceservice": "chat", component: "predictor" } },
      targetPorts: [{ number: 8080 }],
      appProtocol: "http",
      endpointPickerRef: {
        group: "",
        kind: "Service",
        name: "chat-epp",
        port: { number: 9002 },
        failureMode: "FailOpen",
      },
    });
    const route = one(result, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    assert.deepStrictEqual(input(route, "spec.parentRefs"), [
      { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "cnai-gateway", name: "models" },
    ]);
    assert.deepStrictEqual(input(route, "spec.rules.0.matches"), [
      { path: { type: "PathPrefix", value: "/nlp/chat" } },
    ]);
    assert.deepStrictEqual(input(route, "spec.rules.0.filters"), [
      { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
    ]);
    assert.deepStrictEqual(input(route, "spec.rules.0.backendRefs"), [
      { group: "inference.networking.k8s.io", kind: "InferencePool", name: "chat", port: 8080 },
    ]);
    const epp = one(result, "kubernetes:apps/v1:Deployment");
    const args = input(epp, "spec.template.spec.containers.0.args") as string[];
    assert.deepStrictEqual(args.slice(0, 6), [
      "--pool-name",
      "chat",
      "--pool-namespace",
      "team-nlp",
      "--pool-group",
      "inference.networking.k8s.io",
    ]);
    assert.strictEqual(
      input(epp, "spec.template.spec.containers.0.image"),
      "registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0",
    );
    assert.deepStrictEqual(input(one(result, "kubernetes:core/v1:Service"), "spec.selector"), {
      inferencepool: "chat-epp",
    });
  });

  it("IAP and Cloud Armor on the backend, and a health check on the model server's readiness path", async () => {
    const result = await run(() => new ModelRoute("chat-route", routeArgs({ securityPolicy: "armor" })));
    const policy = one(result, "kubernetes:networking.gke.io/v1:GCPBackendPolicy");
    assert.deepStrictEqual(input(policy, "spec.targetRef"), {
      group: "inference.networking.k8s.io",
      kind: "InferencePool",
      name: "chat",
    });
    assert.deepStrictEqual(input(policy, "spec.default.iap"), { enabled: true });
    assert.strictEqual(input(policy, "spec.default.securityPolicy"), "armor");
    const health = one(result, "kubernetes:networking.gke.io/v1:HealthCheckPolicy");
    assert.deepStrictEqual(input(health, "spec.default.config"), {
      type: "HTTP",
      httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: 8080, requestPath: "/v2/health/ready" },
    });
  });

  it("another model: the predictor Service on port 80, no InferencePool or picker; proxies let in on 8080 only", async () => {
    const result = await run(() => new ModelRoute("cls-route", routeArgs({ model: "cls", backend: "service" })));
    assert.strictEqual(all(result, "kubernetes:inference.networking.k8s.io/v1:InferencePool").length, 0);
    assert.strictEqual(all(result, "kubernetes:apps/v1:Deployment").length, 0);
    const route = one(result, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    assert.deepStrictEqual(input(route, "spec.rules.0.backendRefs"), [
      { group: "", kind: "Service", name: "cls-predictor", port: 80 },
    ]);
    assert.deepStrictEqual(input(one(result, "kubernetes:networking.gke.io/v1:GCPBackendPolicy"), "spec.targetRef"), {
      group: "",
      kind: "Service",
      name: "cls-predictor",
    });
    const policies = all(result, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    assert.strictEqual(policies.length, 1);
    assert.deepStrictEqual(input(policies[0], "spec.ingress"), [
      { from: [{ ipBlock: { cidr: "10.129.0.0/23" } }], ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
  });

  it("without IAP the backend policy has no iap block", async () => {
    const result = await run(() => new ModelRoute("chat-route", routeArgs({ iap: false })));
    assert.strictEqual(
      input(one(result, "kubernetes:networking.gke.io/v1:GCPBackendPolicy"), "spec.default.iap"),
      undefined,
    );
  });
});

describe("EndpointPicker", () => {
  it("exports its spans to the collector with the stack's sampling when tracing is on", async () => {
    const result = await run(
      () =>
        new EndpointPicker("epp", {
          pool: "chat",
          namespace: "team-nlp",
          labels: {},
          tracing: { endpoint: "http://collector:4317", samplingRatio: 0.05 },
        }),
    );
    const deployment = one(result, "kubernetes:apps/v1:Deployment");
    const env = input(deployment, "spec.template.spec.containers.0.env") as Array<{ name: string; value?: string }>;
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    assert.strictEqual(value("OTEL_EXPORTER_OTLP_ENDPOINT"), "http://collector:4317");
    assert.strictEqual(value("OTEL_TRACES_SAMPLER"), "parentbased_traceidratio");
    assert.strictEqual(value("OTEL_TRACES_SAMPLER_ARG"), "0.05");
    assert.ok((input(deployment, "spec.template.spec.containers.0.args") as string[]).includes("--tracing=true"));
  });
});

describe("servedByVllm", () => {
  it("is true for KServe's Hugging Face server's default (auto) and vllm backends, false for the Transformers backend", () => {
    assert.strictEqual(servedByVllm([]), true);
    assert.strictEqual(servedByVllm(["--model_name=chat", "--backend=vllm"]), true);
    assert.strictEqual(servedByVllm(["--backend", "auto"]), true);
    assert.strictEqual(servedByVllm(["--backend=huggingface", "--task=sequence_classification"]), false);
    assert.strictEqual(servedByVllm(["--backend", "huggingface"]), false);
  });
});
