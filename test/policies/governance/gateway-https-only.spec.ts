import * as assert from "node:assert";
import { gatewayHttpsOnly } from "../../../policies/governance/policies/gateway-https-only";
import { messagesOf } from "../../helpers/policy";

const gateway = (listeners: Record<string, unknown>[]) => ({
  type: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  inputs: { metadata: { name: "models", namespace: "gw" }, spec: { gatewayClassName: "gke-l7-rilb", listeners } },
});

describe("policy cnai-gateway-https-only", () => {
  it("passes HTTPS listeners that terminate TLS", async () => {
    const https = { name: "https", protocol: "HTTPS", port: 443, tls: { mode: "Terminate" } };
    assert.deepStrictEqual(await messagesOf(gatewayHttpsOnly, [gateway([https])]), []);
  });

  it("refuses HTTP listeners and TLS passthrough", async () => {
    const messages = await messagesOf(gatewayHttpsOnly, [
      gateway([
        { name: "http", protocol: "HTTP", port: 80 },
        { name: "pass", protocol: "HTTPS", port: 443, tls: { mode: "Passthrough" } },
      ]),
    ]);
    assert.deepStrictEqual(messages, [
      "spec.listeners[0] (http) is HTTP on port 80. Serve HTTPS with a certificate (tls.mode Terminate), and drop the listener.",
      "spec.listeners[1] (pass) passes TLS through: the load balancer cannot apply IAP or Cloud Armor. Terminate TLS at the Gateway.",
    ]);
  });

  // Gateway API (gateways CRD validation rules): tls is required only for protocol TLS; an HTTPS listener may
  // leave it out, and its tls.mode may only be Terminate (the default) or empty.
  it("passes an HTTPS listener without a tls block", async () => {
    assert.deepStrictEqual(
      await messagesOf(gatewayHttpsOnly, [gateway([{ name: "https", protocol: "HTTPS", port: 443 }])]),
      [],
    );
  });
});
