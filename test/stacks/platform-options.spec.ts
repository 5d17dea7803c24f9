import * as assert from "node:assert";
import { loadConfig } from "../../stacks/config/load";
import { buildPlatform } from "../../stacks/platform";
import { all, input, one, run } from "../helpers/run";

const BASE = {
  "gcp:project": "acme-ml-dev",
  "gcp:region": "us-central1",
  "cnai-platform:team": "ml-platform",
  "cnai-platform:costCenter": "cc-1",
  "cnai-platform:observability": JSON.stringify({
    budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
  }),
};

const platform = (stack: string, config: Record<string, string> = {}) =>
  run(() => buildPlatform(loadConfig()), { stack, config: { ...BASE, ...config } });

describe("buildPlatform options", () => {
  it("renders Kubernetes YAML to a directory for GitOps when kubernetes.target is yaml", async () => {
    const result = await platform("dev", {
      "cnai-platform:kubernetes": JSON.stringify({ target: "yaml", yamlDirectory: "gitops/dev" }),
    });
    assert.strictEqual(input(one(result, "pulumi:providers:kubernetes"), "renderYamlToDirectory"), "gitops/dev");
  });

  it("gives the budget's explicit provider the stack's gcp settings (impersonation, credentials kept secret), with its own quota project", async () => {
    // An explicit provider reads no stack config: without these the budget would be created by the ambient identity.
    const result = await platform("dev", {
      "gcp:impersonateServiceAccount": "deployer@acme-ml-seed.iam.gserviceaccount.com",
      "gcp:credentials": '{"type":"service_account"}',
      "gcp:scopes": JSON.stringify(["https://www.googleapis.com/auth/cloud-platform"]),
    });
    const provider = one(result, "pulumi:providers:gcp", "guardrails-billing");
    assert.strictEqual(input(provider, "impersonateServiceAccount"), "deployer@acme-ml-seed.iam.gserviceaccount.com");
    assert.strictEqual(input(provider, "credentials"), "[secret]");
    assert.deepStrictEqual(
      [input(provider, "project"), input(provider, "billingProject"), input(provider, "userProjectOverride")],
      ["acme-ml-dev", "acme-ml-dev", "true"],
    );
    assert.strictEqual(input(provider, "region"), undefined, "gcp:region stays the default provider's");
  });

  it("turns the Cloud Run deploy check on only when the stack asks (serving.serverless.deployHealthCheck), once its model is uploaded", async () => {
    const serving = (deployHealthCheck?: boolean) =>
      JSON.stringify({
        serverless: {
          name: "chat",
          model: "chat/v1",
          ...(deployHealthCheck === undefined ? {} : { deployHealthCheck }),
        },
      });
    const config = (deployHealthCheck?: boolean) => ({
      "cnai-platform:serving": serving(deployHealthCheck),
      "cnai-platform:artifactRegistry": JSON.stringify({ remoteCaches: true }),
    });
    const byDefault = one(await platform("dev", config()), "gcp:cloudrunv2/service:Service");
    assert.strictEqual(input(byDefault, "template.healthCheckDisabled"), true);
    const checked = one(await platform("dev", config(true)), "gcp:cloudrunv2/service:Service");
    assert.strictEqual(input(checked, "template.healthCheckDisabled"), false);
  });

  it("builds the Kubernetes provider from the cluster's kubeconfig, kept secret", async () => {
    const result = await platform("dev");
    assert.strictEqual(input(one(result, "pulumi:providers:kubernetes"), "kubeconfig"), "[secret]");
    assert.strictEqual(result.outputs.kubeconfig, "[secret]");
  });

  it("turns customer-managed keys on in any profile, granting the GKE service agent the key", async () => {
    const result = await platform("dev", { "cnai-platform:encryption": JSON.stringify({ customerManagedKeys: true }) });
    assert.strictEqual(input(one(result, "gcp:container/cluster:Cluster"), "databaseEncryption.state"), "ENCRYPTED");
    assert.match(
      String(input(one(result, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "gke-secrets-user-0"), "member")),
      /^serviceAccount:service-\d+@container-engine-robot\.iam\.gserviceaccount\.com$/,
    );
    assert.strictEqual(
      one(result, "gcp:kms/cryptoKey:CryptoKey", "gke-secrets-key").options.protect,
      false,
      "protected only in prod",
    );
  });

  it("creates no GPU pools when none are configured, and one per entry otherwise", async () => {
    assert.strictEqual(all(await platform("dev"), "cnai:compute:GpuNodePool").length, 0);
    const pools = [
      { name: "a", machineType: "g2-standard-8", accelerator: { type: "nvidia-l4" }, autoscaling: { max: 1 } },
      {
        name: "b",
        machineType: "n1-standard-8",
        accelerator: { type: "nvidia-tesla-t4", count: 2 },
        autoscaling: { max: 1 },
      },
    ];
    const result = await platform("dev", { "cnai-platform:gpuPools": JSON.stringify(pools) });
    assert.deepStrictEqual(
      all(result, "gcp:container/nodePool:NodePool").map((p) => input(p, "name")),
      ["system", "gpu-a", "gpu-b"],
    );
  });

  it("wires queued capacity to Kueue's ProvisioningRequest admission check (before: accepted and doing nothing), a pool DWS can provision", async () => {
    const pools = [
      {
        name: "h100",
        machineType: "a3-highgpu-8g",
        accelerator: { type: "nvidia-h100-80gb" },
        zones: ["us-central1-a"],
        autoscaling: { max: 2 },
        capacity: { type: "queued" },
      },
    ];
    const result = await platform("dev", { "cnai-platform:gpuPools": JSON.stringify(pools) });
    const pool = one(result, "gcp:container/nodePool:NodePool", "h100");
    assert.deepStrictEqual(
      [
        input(pool, "queuedProvisioning"),
        input(pool, "nodeConfig.flexStart"),
        input(pool, "management.autoRepair"),
        input(pool, "nodeConfig.reservationAffinity.consumeReservationType"),
      ],
      [{ enabled: true }, true, false, "NO_RESERVATION"],
    );
    const check = one(result, "kubernetes:kueue.x-k8s.io/v1beta2:AdmissionCheck");
    assert.strictEqual(input(check, "spec.controllerName"), "kueue.x-k8s.io/provisioning-request");
    assert.strictEqual(
      input(one(result, "kubernetes:kueue.x-k8s.io/v1beta2:ProvisioningRequestConfig"), "spec.provisioningClassName"),
      "queued-provisioning.gke.io",
    );
    assert.deepStrictEqual(
      input(one(result, "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"), "spec.admissionChecksStrategy"),
      { admissionChecks: [{ name: "cnai-dws-queued", onFlavors: ["gpu-h100"] }] },
    );
  });

  it("enables the foundation APIs before anything uses them", async () => {
    const result = await platform("dev");
    const services = all(result, "gcp:projects/service:Service").map((s) => s.urn);
    assert.deepStrictEqual(
      all(result, "gcp:projects/service:Service")
        .map((s) => input(s, "service"))
        .sort(),
      [
        "artifactregistry.googleapis.com",
        "bigquery.googleapis.com",
        "billingbudgets.googleapis.com",
        // The model gateway's certificate (Certificate Manager).
        "certificatemanager.googleapis.com",
        "cloudkms.googleapis.com",
        // Project IAM members and audit configs (Cloud Resource Manager); image streaming (Container File System).
        "cloudresourcemanager.googleapis.com",
        // Where the trace collector writes spans.
        "cloudtrace.googleapis.com",
        "compute.googleapis.com",
        "container.googleapis.com",
        "containerfilesystem.googleapis.com",
        "containerscanning.googleapis.com",
        "dataplex.googleapis.com",
        "iam.googleapis.com",
        // IAP on the model gateway's backends.
        "iap.googleapis.com",
        "logging.googleapis.com",
        "monitoring.googleapis.com",
        // GKE Inference Gateway's endpoint picker extension.
        "networkservices.googleapis.com",
        "pubsub.googleapis.com",
        "run.googleapis.com",
        "secretmanager.googleapis.com",
        "servicenetworking.googleapis.com",
        // Service Usage, through which the others are enabled (ProjectServices enables it first).
        "serviceusage.googleapis.com",
        "sqladmin.googleapis.com",
        "storage.googleapis.com",
      ],
    );
    for (const type of ["cnai:network:Network", "cnai:compute:GkeCluster"]) {
      assert.deepStrictEqual(
        one(result, type)
          .options.dependsOn.filter((u) => services.includes(u))
          .sort(),
        [...services].sort(),
        type,
      );
    }
  });
});
