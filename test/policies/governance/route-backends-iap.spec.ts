import * as assert from "node:assert";
import { routeBackendsIap } from "../../../policies/governance/policies/route-backends-iap";
import { messagesOf } from "../../helpers/policy";

const route = (backendRefs: Record<string, unknown>[]) => ({
  type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  name: "route",
  inputs: {
    metadata: { name: "chat", namespace: "team-nlp" },
    spec: { parentRefs: [{ name: "models", namespace: "gw" }], rules: [{ backendRefs }] },
  },
});
const backendPolicy = (
  targetRef: Record<string, unknown>,
  defaults: Record<string, unknown>,
  namespace = "team-nlp",
) => ({
  type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  inputs: { metadata: { name: "p", namespace }, spec: { targetRef, default: defaults } },
});
const pool = { group: "inference.networking.k8s.io", kind: "InferencePool", name: "chat" };

describe("policy cnai-route-backends-iap", () => {
  it("passes routes whose every backend has IAP (the Service kind and core group by default)", async () => {
    const resources = [
      route([
        { ...pool, port: 8080 },
        { name: "cls-predictor", port: 80 },
      ]),
      backendPolicy(pool, { iap: { enabled: true } }),
      backendPolicy({ group: "", kind: "Service", name: "cls-predictor" }, { iap: { enabled: true } }),
    ];
    assert.deepStrictEqual(await messagesOf(routeBackendsIap, resources), []);
  });

  it("refuses a backend with no policy, IAP off, or a policy in another namespace", async () => {
    const noPolicy = await messagesOf(routeBackendsIap, [route([{ name: "cls-predictor", port: 80 }])]);
    assert.deepStrictEqual(noPolicy, [
      "HTTPRoute team-nlp/chat sends to Service team-nlp/cls-predictor, which no GCPBackendPolicy protects with IAP. Add a GCPBackendPolicy targeting it with spec.default.iap.enabled: true (ModelRoute does, with gateway.iap).",
    ]);
    const off = await messagesOf(routeBackendsIap, [route([pool]), backendPolicy(pool, { iap: { enabled: false } })]);
    assert.strictEqual(off.length, 1);
    const elsewhere = await messagesOf(routeBackendsIap, [
      route([pool]),
      backendPolicy(pool, { iap: { enabled: true } }, "team-other"),
    ]);
    assert.strictEqual(elsewhere.length, 1);
  });

  it("refuses a backend whose policy sets other defaults (Cloud Armor only) or none", async () => {
    const armorOnly = await messagesOf(routeBackendsIap, [
      route([pool]),
      backendPolicy(pool, { securityPolicy: "armor" }),
    ]);
    assert.strictEqual(armorOnly.length, 1);
    const noDefault = {
      type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
      inputs: { metadata: { name: "p", namespace: "team-nlp" }, spec: { targetRef: pool } },
    };
    assert.match(
      (await messagesOf(routeBackendsIap, [route([pool]), noDefault]))[0],
      /^HTTPRoute team-nlp\/chat sends to InferencePool team-nlp\/chat, which no GCPBackendPolicy protects with IAP/,
    );
  });
});
