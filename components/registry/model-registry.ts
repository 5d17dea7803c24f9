import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { needsDisruptionBudget } from "../catalog/disruption";
import { HELM_CHARTS, IMAGES } from "../catalog/software";
import { childOptions } from "../child-options";
import { disruptionBudget } from "../kubernetes/disruption-budget";
import { kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";

export const MODEL_REGISTRY_KINDS = ["mlflow", "kubeflow"] as const;
export type ModelRegistryKind = (typeof MODEL_REGISTRY_KINDS)[number];

export interface ModelRegistryArgs {
  labels: StackLabels;
  /** Kubeflow Model Registry (metadata; artifacts stay in the models bucket or OCI repository) or MLflow. */
  kind: ModelRegistryKind;
  /** The PostgreSQL database the registry keeps its metadata in. */
  database: {
    host: pulumi.Input<string>;
    port: number;
    databaseName: string;
    userName: string;
    /** A Pulumi secret. */
    password: pulumi.Input<string>;
  };
  /** The models bucket (MLflow's artifact root is `gs://<bucket>/mlflow`). */
  modelsBucket: pulumi.Input<string>;
  /** The Google service account the registry runs as (Workload Identity). */
  serviceAccountEmail: pulumi.Input<string>;
  /** @default "model-registry" */
  namespace?: string;
  /** @default 1 */
  replicas?: number;
}

/** The Kubernetes service account the registry runs as; bound to its Google service account. */
export const MODEL_REGISTRY_KSA = "model-registry";
const DB_SECRET = "model-registry-db";

/**
 * A model registry on the cluster: its namespace, a Workload Identity service account, the
 * database password as a Kubernetes Secret, and either Kubeflow Model Registry (server Deployment
 * and Service, as upstream's postgres overlay, pointed at Cloud SQL) or the MLflow Helm chart.
 */
/** The Kubeflow Model Registry server's Pod labels (its Deployment's selector, as upstream's manifests/kustomize/base). */
export const KUBEFLOW_REGISTRY_POD_LABELS = {
  "app.kubernetes.io/name": "model-registry",
  component: "model-registry-server",
};
/**
 * The MLflow chart's selector labels for release "mlflow" (community-charts mlflow-1.11.5
 * charts/mlflow/templates/_helpers.tpl mlflow.selectorLabels: app and app.kubernetes.io/name are the
 * chart name, app.kubernetes.io/instance the release).
 */
export const MLFLOW_POD_LABELS = {
  app: "mlflow",
  "app.kubernetes.io/name": "mlflow",
  "app.kubernetes.io/instance": "mlflow",
};

export class ModelRegistry extends pulumi.ComponentResource {
  public readonly namespace: string;
  /** In-cluster URL of the registry API. */
  public readonly url: string;

  constructor(name: string, args: ModelRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:registry:ModelRegistry", name, {}, opts);
    const { namespace, replicas } = resolveModelRegistryArgs(name, args, this);
    this.namespace = namespace;
    const labels = kubernetesLabels(args.labels, "model-registry");
    const child = childOptions(this, opts);

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        // MLflow's chart does not promise the restricted profile; Kubeflow's server meets it.
        metadata: {
          name: namespace,
          labels: { ...labels, ...podSecurityLabels(args.kind === "kubeflow" ? "restricted" : "baseline") },
        },
      },
      child,
    );
    const inNamespace = childOptions(this, opts, { dependsOn: [ns] });
    new k8s.core.v1.ServiceAccount(
      `${name}-ksa`,
      {
        metadata: {
          name: MODEL_REGISTRY_KSA,
          namespace,
          labels,
          annotations: { "iam.gke.io/gcp-service-account": args.serviceAccountEmail },
        },
        automountServiceAccountToken: false,
      },
      inNamespace,
    );
    new k8s.core.v1.Secret(
      `${name}-db`,
      {
        metadata: { name: DB_SECRET, namespace, labels },
        type: "Opaque",
        stringData: { POSTGRES_USER: args.database.userName, POSTGRES_PASSWORD: pulumi.secret(args.database.password) },
      },
      inNamespace,
    );

    if (args.kind === "mlflow") {
      this.url = `http://mlflow.${namespace}.svc.cluster.local`;
      this.mlflow(name, args, namespace, inNamespace);
    } else {
      this.url = `http://model-registry-service.${namespace}.svc.cluster.local:8080`;
      this.kubeflow(name, args, namespace, labels, replicas, inNamespace);
    }
    // Neither the MLflow chart (community-charts mlflow-1.11.5: no PodDisruptionBudget template) nor
    // upstream's Kubeflow manifests carry a budget: one over the server's Pods, sized from the replicas.
    if (needsDisruptionBudget(replicas, replicas)) {
      disruptionBudget(
        `${name}-pdb`,
        {
          name: args.kind === "mlflow" ? "mlflow" : "model-registry-server",
          namespace,
          labels,
          selector: args.kind === "mlflow" ? MLFLOW_POD_LABELS : KUBEFLOW_REGISTRY_POD_LABELS,
          replicas: { min: replicas, max: replicas },
        },
        inNamespace,
      );
    }
    this.registerOutputs({ namespace, url: this.url });
  }

  private mlflow(name: string, args: ModelRegistryArgs, namespace: string, opts: pulumi.ComponentResourceOptions) {
    const chart = HELM_CHARTS.mlflow;
    new k8s.helm.v4.Chart(
      `${name}-mlflow`,
      {
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace,
        name: "mlflow",
        values: {
          replicaCount: args.replicas ?? 1,
          backendStore: {
            databaseMigration: true,
            databaseConnectionCheck: true,
            postgres: {
              enabled: true,
              host: args.database.host,
              port: args.database.port,
              database: args.database.databaseName,
            },
            existingDatabaseSecret: { name: DB_SECRET, usernameKey: "POSTGRES_USER", passwordKey: "POSTGRES_PASSWORD" },
          },
          postgresql: { enabled: false },
          artifactRoot: { gcs: { enabled: true, bucket: args.modelsBucket, path: "mlflow" } },
          serviceAccount: { create: false, name: MODEL_REGISTRY_KSA },
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
      },
      opts,
    );
  }

  private kubeflow(
    name: string,
    args: ModelRegistryArgs,
    namespace: string,
    labels: Record<string, string>,
    replicas: number,
    opts: pulumi.ComponentResourceOptions,
  ) {
    const selector = KUBEFLOW_REGISTRY_POD_LABELS;
    new k8s.core.v1.ConfigMap(
      `${name}-db-parameters`,
      {
        metadata: { name: "model-registry-db-parameters", namespace, labels },
        data: {
          POSTGRES_HOST: args.database.host,
          POSTGRES_PORT: String(args.database.port),
          POSTGRES_DB: args.database.databaseName,
        },
      },
      opts,
    );
    new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: "model-registry-deployment", namespace, labels: { ...labels, ...selector } },
        spec: {
          replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...labels, ...selector } },
            spec: {
              serviceAccountName: MODEL_REGISTRY_KSA,
              securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "rest-container",
                  image: IMAGES.modelRegistryServer.image,
                  command: ["/model-registry", "proxy"],
                  args: [
                    "--hostname=0.0.0.0",
                    "--port=8080",
                    "--datastore-type=embedmd",
                    "--embedmd-database-type=postgres",
                    // Cloud SQL requires TLS (sslMode ENCRYPTED_ONLY); the password has no URL-special characters.
                    "--embedmd-database-dsn=postgresql://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@$(POSTGRES_HOST):$(POSTGRES_PORT)/$(POSTGRES_DB)?sslmode=require",
                  ],
                  envFrom: [
                    { configMapRef: { name: "model-registry-db-parameters" } },
                    { secretRef: { name: DB_SECRET } },
                  ],
                  ports: [{ name: "http-api", containerPort: 8080, protocol: "TCP" }],
                  livenessProbe: {
                    httpGet: { path: "/readyz/isDirty", port: "http-api" },
                    initialDelaySeconds: 30,
                    periodSeconds: 15,
                  },
                  readinessProbe: { httpGet: { path: "/readyz/health", port: "http-api" }, periodSeconds: 10 },
                  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                  },
                },
              ],
            },
          },
        },
      },
      opts,
    );
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: "model-registry-service", namespace, labels: { ...labels, ...selector } },
        spec: {
          type: "ClusterIP",
          selector,
          ports: [{ name: "http-api", port: 8080, targetPort: "http-api", protocol: "TCP", appProtocol: "http" }],
        },
      },
      opts,
    );
  }
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveModelRegistryArgs(
  name: string,
  args: ModelRegistryArgs,
  resource?: pulumi.Resource,
): { namespace: string; replicas: number } {
  const namespace = args.namespace ?? "model-registry";
  const replicas = args.replicas ?? 1;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new pulumi.ResourceError(
      `ModelRegistry "${name}": namespace "${namespace}" is not a Kubernetes namespace; allowed: lower-case letters, digits and '-', at most 63 characters`,
      resource,
    );
  }
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new pulumi.ResourceError(
      `ModelRegistry "${name}": replicas must be a whole number, at least 1 (got ${replicas})`,
      resource,
    );
  }
  return { namespace, replicas };
}
