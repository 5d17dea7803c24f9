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

  // KubeRay (ray-operator/controllers/ray/utils/constant.go): the head Service is <cluster>-head-svc with ports
  // "dashboard" 8265, "client" 10001 and "serve" 8000; headGroupSpec.serviceType defaults to ClusterIP.
  const service = (spec: Record<string, unknown>, name = "lb") => ({
    type: "kubernetes:core/v1:Service",
    name,
    inputs: { metadata: { name }, spec },
  });
  const ingress = (spec: Record<string, unknown>) => ({
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    name: "ing",
    inputs: { metadata: { name: "web", namespace: "team-vision" }, spec },
  });
  const rule = (backend: Record<string, unknown>) => ({
    http: { paths: [{ path: "/", pathType: "Prefix", backend }] },
  });

  it("passes a RayCluster whose head leaves serviceType to KubeRay's default (ClusterIP)", async () => {
    const cluster = rayCluster(QUEUE, ELASTIC, clusterSpec({ headGroupSpec: { rayStartParams: {} } }));
    assert.deepStrictEqual(await messagesOf(rayDashboardInternal, [cluster]), []);
  });

  it("reads a RayJob's and a RayService's head from spec.rayClusterSpec", async () => {
    const head = { headGroupSpec: { serviceType: "NodePort", rayStartParams: {} } };
    const job = {
      type: "kubernetes:ray.io/v1:RayJob",
      name: "job",
      inputs: { metadata: { name: "etl" }, spec: { entrypoint: "python etl.py", rayClusterSpec: head } },
    };
    const serve = {
      type: "kubernetes:ray.io/v1:RayService",
      name: "svc",
      inputs: { metadata: { name: "llm", namespace: "team-nlp" }, spec: { rayClusterSpec: head } },
    };
    const fine = {
      type: "kubernetes:ray.io/v1:RayJob",
      name: "fine",
      inputs: { metadata: { name: "ok" }, spec: { rayClusterSpec: { headGroupSpec: { serviceType: "ClusterIP" } } } },
    };
    assert.deepStrictEqual(await messagesOf(rayDashboardInternal, [job, serve, fine]), [
      "RayJob default/etl exposes its head (dashboard and client) on a NodePort Service. Set headGroupSpec.serviceType: ClusterIP.",
      "RayService team-nlp/llm exposes its head (dashboard and client) on a NodePort Service. Set headGroupSpec.serviceType: ClusterIP.",
    ]);
  });

  it("passes the ClusterIP Service KubeRay-style on Ray's ports, and a LoadBalancer on other ports of other Pods", async () => {
    const head = service(
      {
        type: "ClusterIP",
        selector: { "ray.io/node-type": "head" },
        ports: [
          { name: "dashboard", port: 8265 },
          { name: "client", port: 10001 },
        ],
      },
      "data-prep-head-svc",
    );
    const web = service({ type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 8265, targetPort: 8080 }] });
    assert.deepStrictEqual(await messagesOf(rayDashboardInternal, [head, web]), []);
  });

  it("reports LoadBalancer and NodePort Services on Ray's ports (targetPort, else port) or on Ray Pods", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { type: "LoadBalancer", selector: { app: "proxy" }, ports: [{ port: 80, targetPort: 10001 }] },
        "Service default/lb (LoadBalancer) exposes Ray's ports 10001 outside the cluster. Use a ClusterIP Service.",
      ],
      [
        { type: "NodePort", selector: { app: "proxy" }, ports: [{ port: 8265 }, { port: 10001 }, { port: 443 }] },
        "Service default/lb (NodePort) exposes Ray's ports 8265, 10001 outside the cluster. Use a ClusterIP Service.",
      ],
      [
        { type: "LoadBalancer", selector: { app: "llm", "ray.io/node-type": "worker" }, ports: [{ port: 8000 }] },
        "Service default/lb (LoadBalancer) exposes Ray Pods outside the cluster. Use a ClusterIP Service.",
      ],
    ];
    for (const [spec, expected] of cases)
      assert.deepStrictEqual(await messagesOf(rayDashboardInternal, [service(spec)]), [expected], JSON.stringify(spec));
  });

  it("reports an Ingress whose default backend or rule reaches Ray's head or ports, by number or port name", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [
        { defaultBackend: { service: { name: "data-prep-head-svc", port: { name: "dashboard" } } } },
        [
          "Ingress team-vision/web routes to Ray's head (data-prep-head-svc:dashboard) from outside the cluster. Remove the rule.",
        ],
      ],
      [
        { rules: [rule({ service: { name: "data-prep-head-svc", port: { number: 8000 } } })] },
        [
          "Ingress team-vision/web routes to Ray's head (data-prep-head-svc:8000) from outside the cluster. Remove the rule.",
        ],
      ],
      [
        { rules: [rule({ service: { name: "dashboard-proxy", port: { number: 10001 } } })] },
        [
          "Ingress team-vision/web routes to Ray's head (dashboard-proxy:10001) from outside the cluster. Remove the rule.",
        ],
      ],
      // networking.k8s.io/v1 IngressBackend: a resource backend (no service) and other Services are not Ray's.
      [
        {
          defaultBackend: { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "static" } },
          rules: [
            rule({ service: { name: "web", port: { number: 80 } } }),
            rule({ resource: { kind: "Bucket", name: "b" } }),
          ],
        },
        [],
      ],
    ];
    for (const [spec, expected] of cases)
      assert.deepStrictEqual(await messagesOf(rayDashboardInternal, [ingress(spec)]), expected, JSON.stringify(spec));
  });
});
