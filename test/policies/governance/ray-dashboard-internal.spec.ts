import * as assert from "node:assert";
import { rayDashboardInternal } from "../../../policies/governance/policies/ray-dashboard-internal";
import { messagesOf } from "../../helpers/policy";
import { clusterSpec, ELASTIC, QUEUE, rayCluster } from "./ray-fixtures";

describe("policy cnai-ray-dashboard-internal", () => {
  it("passes a ClusterIP head and unrelated Services", async () => {
    const service = {
      type: "kubernetes:core/v1:Service",
      name: "s",
      inputs: {
        metadata: { name: "web" },
        spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 443 }] },
      },
    };
    assert.deepStrictEqual(await messagesOf(rayDashboardInternal, [rayCluster(), service]), []);
  });

  it("reports an exposed head, an Ingress on the dashboard and a LoadBalancer on Ray Pods", async () => {
    const exposed = rayCluster(
      QUEUE,
      ELASTIC,
      clusterSpec({ headGroupSpec: { serviceType: "LoadBalancer", enableIngress: true } }),
    );
    const service = {
      type: "kubernetes:core/v1:Service",
      name: "s",
      inputs: {
        metadata: { name: "ray-lb", namespace: "team-vision" },
        spec: { type: "NodePort", selector: { "ray.io/node-type": "head" }, ports: [{ port: 80, targetPort: 8265 }] },
      },
    };
    const ingress = {
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      name: "i",
      inputs: {
        metadata: { name: "ray", namespace: "team-vision" },
        spec: {
          rules: [
            {
              http: {
                paths: [{ path: "/", backend: { service: { name: "data-prep-head-svc", port: { number: 8265 } } } }],
              },
            },
          ],
        },
      },
    };
    const messages = await messagesOf(rayDashboardInternal, [exposed, service, ingress]);
    assert.deepStrictEqual(messages, [
      "RayCluster team-vision/data-prep exposes its head (dashboard and client) on a LoadBalancer Service. Set headGroupSpec.serviceType: ClusterIP.",
      "RayCluster team-vision/data-prep creates an Ingress for its dashboard. Remove headGroupSpec.enableIngress; use kubectl port-forward.",
      "Service team-vision/ray-lb (NodePort) exposes Ray Pods outside the cluster. Use a ClusterIP Service.",
      "Ingress team-vision/ray routes to Ray's head (data-prep-head-svc:8265) from outside the cluster. Remove the rule.",
    ]);
  });
});
