import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS, IMAGES } from "../../components/catalog/software";
import {
  MODEL_REGISTRY_KSA,
  ModelRegistry,
  type ModelRegistryArgs,
  type ModelRegistryKind,
} from "../../components/registry/model-registry";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { SECRET } from "../../scripts/lib/wire-values";
import { expectedPodSecurityLabels } from "../helpers/kubernetes-checks";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const SECRET_TYPE = "kubernetes:core/v1:Secret";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const CHART = "kubernetes:helm.sh/v4:Chart";
const PROVIDER = "pulumi:providers:kubernetes";

const PASSWORD = "s3cr3t-value";
const GSA = "cnai-test-registry@acme-test.iam.gserviceaccount.com";

const LABELS = kubernetesLabels("model-registry");
const SELECTOR = { "app.kubernetes.io/name": "model-registry", component: "model-registry-server" };

function args(kind: ModelRegistryKind, overrides: Partial<ModelRegistryArgs> = {}): ModelRegistryArgs {
  return {
    labels: STACK_LABELS,
    kind,
    database: {
      host: "10.30.0.5",
      port: 5432,
      databaseName: "registry",
      userName: "registry",
      password: pulumi.secret(PASSWORD),
    },
    modelsBucket: "cnai-test-models",
    serviceAccountEmail: GSA,
    ...overrides,
  };
}

/** Runs a ModelRegistry with its own Kubernetes provider, passed as `providers` or as `provider`. */
function registry(
  kind: ModelRegistryKind,
  overrides: Partial<ModelRegistryArgs> = {},
  via: "providers" | "provider" = "providers",
): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const mr = new ModelRegistry(
      "mr",
      args(kind, overrides),
      via === "providers" ? { providers: { kubernetes: provider } } : { provider },
    );
    return { url: mr.url, namespace: mr.namespace };
  });
}

const metadata = (resource: { inputs: Record<string, unknown> }) => resource.inputs.metadata as Record<string, unknown>;

describe("ModelRegistry", () => {
  for (const kind of ["mlflow", "kubeflow"] as const) {
    describe(`defaults, both kinds (${kind})`, () => {
      it(`creates the model-registry namespace with governance labels and Pod Security ${kind === "kubeflow" ? "restricted" : "baseline"} enforced`, async () => {
        const ns = one(await registry(kind), NAMESPACE);
        assert.deepStrictEqual(ns.inputs.metadata, {
          name: "model-registry",
          labels: {
            ...LABELS,
            ...expectedPodSecurityLabels(kind === "kubeflow" ? "restricted" : "baseline"),
          },
        });
      });

      it("runs as the model-registry service account, bound to the Google service account, without a mounted token", async () => {
        const sa = one(await registry(kind), SERVICE_ACCOUNT);
        assert.deepStrictEqual(sa.inputs.metadata, {
          name: MODEL_REGISTRY_KSA,
          namespace: "model-registry",
          labels: LABELS,
          annotations: { "iam.gke.io/gcp-service-account": GSA },
        });
        assert.strictEqual(MODEL_REGISTRY_KSA, "model-registry");
        assert.strictEqual(input(sa, "automountServiceAccountToken"), false);
      });

      it("keeps the database credentials in the model-registry-db Secret, recorded only as [secret]", async () => {
        const secret = one(await registry(kind), SECRET_TYPE);
        assert.deepStrictEqual(secret.inputs.metadata, {
          name: "model-registry-db",
          namespace: "model-registry",
          labels: LABELS,
        });
        assert.strictEqual(input(secret, "type"), "Opaque");
        assert.strictEqual(input(secret, "stringData"), SECRET);
        assert.strictEqual(input(secret, "data"), undefined);
      });

      it("never writes the database password in clear", async () => {
        const text = JSON.stringify(await registry(kind));
        assert.ok(!text.includes(PASSWORD), "the password appears nowhere in the run result");
        assert.ok(!text.includes(Buffer.from(PASSWORD).toString("base64")), "nor base64-encoded");
      });

      it("puts every Kubernetes object in the namespace, after it, through the given provider, parented to the component", async () => {
        const result = await registry(kind);
        const provider = one(result, PROVIDER);
        const component = one(result, "cnai:registry:ModelRegistry", "mr");
        const ns = one(result, NAMESPACE);
        const objects = result.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(objects.length >= 4);
        for (const object of objects) {
          assert.strictEqual(object.parent, component.urn, `${object.name} is a child of the component`);
          assert.ok(
            object.provider?.startsWith(`${provider.urn}::`),
            `${object.name} uses the given provider (got ${object.provider})`,
          );
          if (object !== ns) {
            assert.ok(object.options.dependsOn.includes(ns.urn), `${object.name} waits for the namespace`);
            const namespace = object.type === CHART ? input(object, "namespace") : metadata(object).namespace;
            assert.strictEqual(namespace, "model-registry", `${object.name} is in the namespace`);
          }
        }
      });

      it("accepts the provider as `provider` as well as `providers`", async () => {
        const result = await registry(kind, {}, "provider");
        const provider = one(result, PROVIDER);
        for (const object of result.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
          assert.ok(
            object.provider?.startsWith(`${provider.urn}::`),
            `${object.name} uses the given provider (got ${object.provider})`,
          );
        }
      });
    });
  }

  describe("defaults, mlflow", () => {
    it("installs the pinned MLflow chart from its repository, as release mlflow in the namespace", async () => {
      const chart = one(await registry("mlflow"), CHART);
      assert.strictEqual(chart.remote, true);
      assert.strictEqual(input(chart, "chart"), "mlflow");
      assert.strictEqual(input(chart, "version"), HELM_CHARTS.mlflow.version);
      assert.deepStrictEqual(input(chart, "repositoryOpts"), { repo: HELM_CHARTS.mlflow.repo });
      assert.strictEqual(input(chart, "namespace"), "model-registry");
      assert.strictEqual(input(chart, "name"), "mlflow");
    });

    it("points MLflow at Cloud SQL through the existing Secret, migrates the schema, and runs no bundled PostgreSQL", async () => {
      const chart = one(await registry("mlflow"), CHART);
      assert.deepStrictEqual(input(chart, "values.backendStore"), {
        databaseMigration: true,
        databaseConnectionCheck: true,
        postgres: { enabled: true, host: "10.30.0.5", port: 5432, database: "registry" },
        existingDatabaseSecret: {
          name: "model-registry-db",
          usernameKey: "POSTGRES_USER",
          passwordKey: "POSTGRES_PASSWORD",
        },
      });
      assert.deepStrictEqual(input(chart, "values.postgresql"), { enabled: false });
    });

    it("stores artifacts under gs://<models bucket>/mlflow, runs as the model-registry service account, with resource requests and limits", async () => {
      const chart = one(await registry("mlflow"), CHART);
      assert.deepStrictEqual(input(chart, "values.artifactRoot"), {
        gcs: { enabled: true, bucket: "cnai-test-models", path: "mlflow" },
      });
      assert.deepStrictEqual(input(chart, "values.serviceAccount"), { create: false, name: "model-registry" });
      assert.deepStrictEqual(input(chart, "values.resources"), {
        requests: { cpu: "250m", memory: "512Mi" },
        limits: { cpu: "1", memory: "1Gi" },
      });
      assert.strictEqual(input(chart, "values.replicaCount"), 1);
    });

    it("serves at http://mlflow.model-registry.svc.cluster.local and creates no Kubeflow server", async () => {
      const result = await registry("mlflow");
      assert.strictEqual(result.outputs.url, "http://mlflow.model-registry.svc.cluster.local");
      assert.strictEqual(result.outputs.namespace, "model-registry");
      for (const type of [DEPLOYMENT, SERVICE, CONFIG_MAP])
        assert.strictEqual(all(result, type).length, 0, `no ${type}`);
    });
  });

  describe("defaults, kubeflow", () => {
    it("puts the database's host, port and name in the model-registry-db-parameters ConfigMap", async () => {
      const cm = one(await registry("kubeflow"), CONFIG_MAP);
      assert.deepStrictEqual(cm.inputs.metadata, {
        name: "model-registry-db-parameters",
        namespace: "model-registry",
        labels: LABELS,
      });
      assert.deepStrictEqual(input(cm, "data"), {
        POSTGRES_HOST: "10.30.0.5",
        POSTGRES_PORT: "5432",
        POSTGRES_DB: "registry",
      });
    });

    it("runs one model registry server as the model-registry service account", async () => {
      const deployment = one(await registry("kubeflow"), DEPLOYMENT);
      assert.deepStrictEqual(deployment.inputs.metadata, {
        name: "model-registry-deployment",
        namespace: "model-registry",
        labels: { ...LABELS, ...SELECTOR },
      });
      assert.strictEqual(input(deployment, "spec.replicas"), 1);
      assert.deepStrictEqual(input(deployment, "spec.selector"), { matchLabels: SELECTOR });
      assert.deepStrictEqual(input(deployment, "spec.template.metadata.labels"), { ...LABELS, ...SELECTOR });
      assert.strictEqual(input(deployment, "spec.template.spec.serviceAccountName"), "model-registry");
      assert.strictEqual((input(deployment, "spec.template.spec.containers") as unknown[]).length, 1);
    });

    it("runs the pinned server image as a proxy on the embedded metadata store in PostgreSQL, over TLS", async () => {
      const deployment = one(await registry("kubeflow"), DEPLOYMENT);
      const container = input(deployment, "spec.template.spec.containers.0") as Record<string, unknown>;
      assert.strictEqual(container.name, "rest-container");
      assert.strictEqual(container.image, IMAGES.modelRegistryServer.image);
      assert.deepStrictEqual(container.command, ["/model-registry", "proxy"]);
      const containerArgs = container.args as string[];
      assert.deepStrictEqual(containerArgs.slice(0, 4), [
        "--hostname=0.0.0.0",
        "--port=8080",
        "--datastore-type=embedmd",
        "--embedmd-database-type=postgres",
      ]);
      assert.strictEqual(
        containerArgs[4],
        "--embedmd-database-dsn=postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@$(POSTGRES_HOST):$(POSTGRES_PORT)/$(POSTGRES_DB)?sslmode=require",
      );
      assert.strictEqual(containerArgs.length, 5);
      assert.ok(
        !containerArgs.some((a) => a.includes("sslmode=disable")),
        "Cloud SQL only accepts encrypted connections",
      );
    });

    it("takes the connection settings from the ConfigMap and the Secret, and serves on port 8080 with probes and resource limits", async () => {
      const deployment = one(await registry("kubeflow"), DEPLOYMENT);
      const container = input(deployment, "spec.template.spec.containers.0") as Record<string, unknown>;
      assert.deepStrictEqual(container.envFrom, [
        { configMapRef: { name: "model-registry-db-parameters" } },
        { secretRef: { name: "model-registry-db" } },
      ]);
      assert.strictEqual(container.env, undefined, "no credential inlined as an env value");
      assert.deepStrictEqual(container.ports, [{ name: "http-api", containerPort: 8080, protocol: "TCP" }]);
      assert.deepStrictEqual(container.livenessProbe, {
        httpGet: { path: "/readyz/isDirty", port: "http-api" },
        initialDelaySeconds: 30,
        periodSeconds: 15,
      });
      assert.deepStrictEqual(container.readinessProbe, {
        httpGet: { path: "/readyz/health", port: "http-api" },
        periodSeconds: 10,
      });
      assert.deepStrictEqual(container.resources, {
        requests: { cpu: "100m", memory: "256Mi" },
        limits: { cpu: "1", memory: "512Mi" },
      });
    });

    it("meets the restricted Pod Security profile: non-root, RuntimeDefault seccomp, no privilege escalation, no capabilities, read-only root", async () => {
      const deployment = one(await registry("kubeflow"), DEPLOYMENT);
      assert.deepStrictEqual(input(deployment, "spec.template.spec.securityContext"), {
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      assert.deepStrictEqual(input(deployment, "spec.template.spec.containers.0.securityContext"), {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
    });

    it("exposes the server as model-registry-service on port 8080", async () => {
      const service = one(await registry("kubeflow"), SERVICE);
      assert.deepStrictEqual(service.inputs.metadata, {
        name: "model-registry-service",
        namespace: "model-registry",
        labels: { ...LABELS, ...SELECTOR },
      });
      assert.deepStrictEqual(input(service, "spec"), {
        type: "ClusterIP",
        selector: SELECTOR,
        ports: [{ name: "http-api", port: 8080, targetPort: "http-api", protocol: "TCP", appProtocol: "http" }],
      });
    });

    it("serves at http://model-registry-service.model-registry.svc.cluster.local:8080 and installs no chart", async () => {
      const result = await registry("kubeflow");
      assert.strictEqual(result.outputs.url, "http://model-registry-service.model-registry.svc.cluster.local:8080");
      assert.strictEqual(all(result, CHART).length, 0);
    });
  });

  describe("options", () => {
    it("another namespace moves every object and the URL there (kubeflow)", async () => {
      const result = await registry("kubeflow", { namespace: "registry-prod" });
      assert.strictEqual(metadata(one(result, NAMESPACE)).name, "registry-prod");
      for (const type of [SERVICE_ACCOUNT, SECRET_TYPE, CONFIG_MAP, DEPLOYMENT, SERVICE]) {
        assert.strictEqual(metadata(one(result, type)).namespace, "registry-prod", `${type} is in the namespace`);
      }
      assert.strictEqual(result.outputs.url, "http://model-registry-service.registry-prod.svc.cluster.local:8080");
      assert.strictEqual(result.outputs.namespace, "registry-prod");
    });

    it("another namespace moves the chart and the URL there (mlflow)", async () => {
      const result = await registry("mlflow", { namespace: "registry-prod" });
      assert.strictEqual(metadata(one(result, NAMESPACE)).name, "registry-prod");
      assert.strictEqual(input(one(result, CHART), "namespace"), "registry-prod");
      assert.strictEqual(metadata(one(result, SECRET_TYPE)).namespace, "registry-prod");
      assert.strictEqual(result.outputs.url, "http://mlflow.registry-prod.svc.cluster.local");
    });

    it("replicas: 2 runs two servers (kubeflow) or two MLflow pods (mlflow)", async () => {
      assert.strictEqual(input(one(await registry("kubeflow", { replicas: 2 }), DEPLOYMENT), "spec.replicas"), 2);
      assert.strictEqual(input(one(await registry("mlflow", { replicas: 2 }), CHART), "values.replicaCount"), 2);
    });
  });

  describe("validation", () => {
    it("refuses a namespace Kubernetes would reject, and creates no Kubernetes object", async () => {
      await assert.rejects(registry("kubeflow", { namespace: "Team_A" }), (error: ProgramError) => {
        assert.match(
          error.message,
          /^ModelRegistry "mr": namespace "Team_A" is not a Kubernetes namespace; allowed: lower-case letters, digits and '-'/,
        );
        assert.strictEqual(error.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
        return true;
      });
    });

    for (const kind of ["mlflow", "kubeflow"] as const) {
      it(`refuses replicas 0 (${kind}), naming the registry, and creates no Kubernetes object`, async () => {
        await assert.rejects(registry(kind, { replicas: 0 }), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.match(error.message, /^ModelRegistry "mr": /);
          assert.match(error.message, /replicas must be a whole number, at least 1 \(got 0\)/);
          assert.strictEqual(error.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
          return true;
        });
      });
    }
  });
});
