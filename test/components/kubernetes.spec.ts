import * as assert from "assert";
import { kubernetesProvider } from "../../components/kubernetes/cluster-provider";
import { gkeKubeconfig } from "../../components/kubernetes/kubeconfig";
import { input, one, run } from "../helpers/run";

describe("Kubernetes provider", () => {
  it("builds a kubeconfig that runs gke-gcloud-auth-plugin and stores no credential", () => {
    const config = JSON.parse(gkeKubeconfig({ context: "p_l_c", server: "https://34.1.2.3", caCertificate: "Q0E=" }));
    assert.strictEqual(config.clusters[0].cluster.server, "https://34.1.2.3");
    assert.strictEqual(config.clusters[0].cluster["certificate-authority-data"], "Q0E=");
    assert.strictEqual(config.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    assert.strictEqual(config.users[0].user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
    assert.strictEqual(config["current-context"], "p_l_c");
    assert.ok(!JSON.stringify(config).includes("token"), "no token");
    const dns = JSON.parse(gkeKubeconfig({ context: "x", server: "https://gke-1.us-central1.gke.goog" }));
    assert.ok(!("certificate-authority-data" in dns.clusters[0].cluster), "DNS endpoints use a public CA");
  });

  it("targets the cluster with server-side apply by default, the kubeconfig kept secret", async () => {
    const result = await run(() => void kubernetesProvider("k8s", { kubeconfig: "apiVersion: v1" }));
    const provider = one(result, "pulumi:providers:kubernetes");
    assert.strictEqual(input(provider, "kubeconfig"), "[secret]");
    assert.strictEqual(input(provider, "enableServerSideApply"), "true");
    assert.strictEqual(input(provider, "renderYamlToDirectory"), undefined);
  });

  it("renders YAML to a directory for GitOps when asked", async () => {
    const result = await run(() => void kubernetesProvider("k8s", { kubeconfig: "ignored", target: "yaml", yamlDirectory: "gitops/dev" }));
    const provider = one(result, "pulumi:providers:kubernetes");
    assert.strictEqual(input(provider, "renderYamlToDirectory"), "gitops/dev");
    assert.strictEqual(input(provider, "kubeconfig"), undefined);
    const fallback = one(await run(() => void kubernetesProvider("k8s", { kubeconfig: "x", target: "yaml" })), "pulumi:providers:kubernetes");
    assert.strictEqual(input(fallback, "renderYamlToDirectory"), "out/k8s-yaml");
  });
});
