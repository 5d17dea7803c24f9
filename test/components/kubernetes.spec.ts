import * as assert from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "../../components/compute/gke-cluster";
import { kubernetesProvider } from "../../components/kubernetes/cluster-provider";
import { gkeKubeconfig } from "../../components/kubernetes/kubeconfig";
import { input, one, run, STACK_LABELS } from "../helpers/run";

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
    const result = await run(
      () =>
        void kubernetesProvider("k8s", {
          kubeconfig: "apiVersion: v1",
          clusterIdentifier: "projects/p/locations/l/clusters/c",
        }),
    );
    const provider = one(result, "pulumi:providers:kubernetes");
    assert.strictEqual(input(provider, "kubeconfig"), "[secret]");
    assert.strictEqual(input(provider, "enableServerSideApply"), "true");
    assert.strictEqual(input(provider, "renderYamlToDirectory"), undefined);
  });

  it("is identified by the GKE cluster's id, which stays when the kubeconfig's endpoint changes (no replacement of every object)", async () => {
    // pulumi-kubernetes DiffConfig (provider/pkg/provider/provider.go): with clusterIdentifier set and
    // unchanged, a changed kubeconfig is an update; without it, a new server or CA replaces the provider.
    const withEndpoint = (privateEndpoint: boolean) =>
      run(() => {
        const gke = new GkeCluster("gke", {
          project: "acme-test",
          region: "us-central1",
          prefix: "cnai-test",
          labels: STACK_LABELS,
          zones: ["us-central1-a"],
          network: {
            network: "projects/acme-test/global/networks/vpc",
            subnetwork: "projects/acme-test/regions/us-central1/subnetworks/gke",
            masterCidr: "172.16.0.0/28",
          },
          privateEndpoint,
          authorizedNetworks: privateEndpoint ? [{ name: "corp", cidr: "10.0.0.0/8" }] : [],
        });
        kubernetesProvider("k8s", { kubeconfig: gke.kubeconfig, clusterIdentifier: gke.cluster.id });
        return { kubeconfig: pulumi.unsecret(gke.kubeconfig) };
      });
    const [publicIp, dns] = [await withEndpoint(false), await withEndpoint(true)];
    const server = (r: typeof dns) => JSON.parse(String(r.outputs.kubeconfig)).clusters[0].cluster.server as string;
    assert.notStrictEqual(server(publicIp), server(dns), "the kubeconfig changes endpoint");
    const identifier = (r: typeof dns) => input(one(r, "pulumi:providers:kubernetes"), "clusterIdentifier");
    assert.strictEqual(identifier(dns), "projects/acme-test/locations/us-central1/clusters/cnai-test-gke");
    assert.strictEqual(identifier(publicIp), identifier(dns));
  });

  it("renders YAML to a directory for GitOps when asked", async () => {
    const result = await run(
      () =>
        void kubernetesProvider("k8s", {
          kubeconfig: "ignored",
          clusterIdentifier: "c",
          target: "yaml",
          yamlDirectory: "gitops/dev",
        }),
    );
    const provider = one(result, "pulumi:providers:kubernetes");
    assert.strictEqual(input(provider, "renderYamlToDirectory"), "gitops/dev");
    assert.strictEqual(input(provider, "kubeconfig"), undefined);
    const fallback = one(
      await run(() => void kubernetesProvider("k8s", { kubeconfig: "x", clusterIdentifier: "c", target: "yaml" })),
      "pulumi:providers:kubernetes",
    );
    assert.strictEqual(input(fallback, "renderYamlToDirectory"), "out/k8s-yaml");
  });
});
