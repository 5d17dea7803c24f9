import * as assert from "node:assert";
import { externalGatewayCloudArmor } from "../../../policies/governance/policies/external-gateway-cloud-armor";
import { messagesOf } from "../../helpers/policy";

const gateway = (gatewayClassName: string) => ({
  type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  inputs: { metadata: { name: "models", namespace: "gw" }, spec: { gatewayClassName, listeners: [] } },
});
const route = {
  type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  name: "route",
  inputs: {
    metadata: { name: "chat", namespace: "team-nlp" },
    spec: {
      parentRefs: [{ name: "models", namespace: "gw" }],
      rules: [{ backendRefs: [{ group: "inference.networking.k8s.io", kind: "InferencePool", name: "chat" }] }],
    },
  },
};
const policy = (defaults: Record<string, unknown>) => ({
  type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  inputs: {
    metadata: { name: "chat", namespace: "team-nlp" },
    spec: {
      targetRef: { group: "inference.networking.k8s.io", kind: "InferencePool", name: "chat" },
      default: defaults,
    },
  },
});

describe("policy cnai-external-gateway-cloud-armor", () => {
  it("passes an external gateway whose backends have Cloud Armor, and ignores internal gateways", async () => {
    assert.deepStrictEqual(
      await messagesOf(externalGatewayCloudArmor, [
        gateway("gke-l7-regional-external-managed"),
        route,
        policy({ securityPolicy: "armor" }),
      ]),
      [],
    );
    assert.deepStrictEqual(
      await messagesOf(externalGatewayCloudArmor, [gateway("gke-l7-rilb"), route, policy({})]),
      [],
    );
  });

  it("refuses an external gateway's backend without a security policy", async () => {
    const messages = await messagesOf(externalGatewayCloudArmor, [
      gateway("gke-l7-regional-external-managed"),
      route,
      policy({ iap: { enabled: true } }),
    ]);
    assert.deepStrictEqual(messages, [
      "Gateway gw/models (gke-l7-regional-external-managed) faces the internet, and its HTTPRoute team-nlp/chat sends to InferencePool team-nlp/chat with no Cloud Armor policy. Set spec.default.securityPolicy in a GCPBackendPolicy targeting it.",
    ]);
  });

  it("refuses a backend with no GCPBackendPolicy, one without defaults, or an empty security policy", async () => {
    const external = gateway("gke-l7-global-external-managed");
    const expected = [
      "Gateway gw/models (gke-l7-global-external-managed) faces the internet, and its HTTPRoute team-nlp/chat sends to InferencePool team-nlp/chat with no Cloud Armor policy. Set spec.default.securityPolicy in a GCPBackendPolicy targeting it.",
    ];
    const noDefault = {
      type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
      inputs: {
        metadata: { name: "chat", namespace: "team-nlp" },
        spec: { targetRef: { group: "inference.networking.k8s.io", kind: "InferencePool", name: "chat" } },
      },
    };
    for (const resources of [
      [external, route],
      [external, route, noDefault],
      [external, route, policy({ securityPolicy: "" })],
    ])
      assert.deepStrictEqual(await messagesOf(externalGatewayCloudArmor, resources), expected);
  });

  it("looks only at the routes attached to the internet-facing Gateway", async () => {
    const internal = {
      type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
      name: "internal",
      inputs: {
        metadata: { name: "internal", namespace: "gw" },
        spec: { gatewayClassName: "gke-l7-rilb", listeners: [] },
      },
    };
    const internalRoute = {
      ...route,
      name: "internal-route",
      inputs: {
        ...route.inputs,
        metadata: { name: "admin", namespace: "team-nlp" },
        spec: { ...route.inputs.spec, parentRefs: [{ name: "internal", namespace: "gw" }] },
      },
    };
    const messages = await messagesOf(externalGatewayCloudArmor, [
      gateway("gke-l7-regional-external-managed"),
      internal,
      route,
      internalRoute,
    ]);
    assert.strictEqual(messages.length, 1);
    assert.match(messages[0], /HTTPRoute team-nlp\/chat sends to InferencePool team-nlp\/chat/);
  });
});
