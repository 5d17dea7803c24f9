import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import { injectGcsFuseSidecar } from "../../../policies/lib/analysis/workloads/derive/gcsfuse";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import {
  container,
  deployment,
  enforce,
  K8S,
  kserveRuntimeConfigs,
  namespace,
  nodePool,
  problems,
  simulate,
  workload,
} from "./fixtures";

const derive = (resources: TestResource[]): Workload[] => deriveWorkloads(indexCluster(planOf(resources).resources));
const one = (resources: TestResource[], name: string): Workload => derive(resources).find((w) => w.name === name)!;
const containers = (spec: JsonObject, field = "containers") => (spec[field] ?? []).map((c: { name: string }) => c.name);

const kserve = (mode = "Standard"): TestResource[] => [
  {
    type: K8S.chart,
    name: "kserve",
    inputs: {
      chart: "oci://ghcr.io/kserve/charts/kserve-resources",
      version: "v0.20.0",
      namespace: "kserve",
      name: "kserve",
      values: { kserve: { controller: { deploymentMode: mode } } },
    },
  },
  kserveRuntimeConfigs({ kserve: { servingruntime: { enabled: true } } }),
];
function isvc(
  name: string,
  storageUri: string,
  options: { runtime?: string; resources?: object; minReplicas?: number } = {},
): TestResource {
  return {
    type: K8S.inferenceService,
    name,
    inputs: {
      apiVersion: "serving.kserve.io/v1beta1",
      kind: "InferenceService",
      metadata: { name, namespace: "team" },
      spec: {
        predictor: {
          minReplicas: options.minReplicas ?? 1,
          model: {
            modelFormat: { name: "huggingface" },
            runtime: options.runtime ?? "kserve-huggingfaceserver",
            storageUri,
            ...(options.resources ? { resources: options.resources } : {}),
          },
        },
      },
    },
  };
}

describe("workload simulation: the Pods controllers create", () => {
  describe("KServe v0.20.0 InferenceService (pkg/webhook/admission/pod/storage_initializer_injector.go, pkg/utils/storage.go)", () => {
    it("adds the storage initializer for downloaded URIs (gs://, s3://, hf://), with the chart's resources", () => {
      for (const uri of ["gs://models/chat/v1", "s3://models/chat", "hf://meta-llama/Llama-3"]) {
        const [group] = one([...kserve(), isvc("chat", uri)], "chat").groups;
        assert.deepStrictEqual(containers(group.pod.spec, "initContainers"), ["storage-initializer"], uri);
        assert.deepStrictEqual(group.pod.spec.initContainers[0].resources, {
          requests: { cpu: "100m", memory: "100Mi" },
          limits: { cpu: "1", memory: "1Gi" },
        });
      }
    });

    it("runs an oci:// model as a modelcar: a modelcar container and init container, the server as UID 1010", () => {
      const [group] = one([...kserve(), isvc("chat", "oci://us-docker.pkg.dev/acme/models/chat:1")], "chat").groups;
      assert.deepStrictEqual(containers(group.pod.spec), ["kserve-container", "modelcar"]);
      assert.deepStrictEqual(containers(group.pod.spec, "initContainers"), ["modelcar-init"]);
      assert.strictEqual(group.pod.spec.containers[0].securityContext.runAsUser, 1010);
      assert.strictEqual(group.pod.spec.shareProcessNamespace, true);
      assert.deepStrictEqual(group.pod.spec.containers[1].resources, {
        requests: { cpu: "10m", memory: "15Mi" },
        limits: { cpu: "10m", memory: "15Mi" },
      });
    });

    it("injects nothing for a pvc:// model, and merges the model's resources over the kserve-huggingfaceserver runtime's container key by key (utils.go MergeRuntimeContainers)", () => {
      const [group] = one(
        [...kserve(), isvc("chat", "pvc://models/chat", { resources: { limits: { "nvidia.com/gpu": "1" } } })],
        "chat",
      ).groups;
      assert.strictEqual(group.pod.spec.initContainers, undefined);
      const server = group.pod.spec.containers[0];
      assert.deepStrictEqual(server.resources, {
        requests: { cpu: "1", memory: "2Gi" },
        limits: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": "1" },
      });
      assert.deepStrictEqual(
        server.volumeMounts,
        [{ mountPath: "/dev/shm", name: "devshm" }],
        "from the kserve-huggingfaceserver runtime",
      );
      assert.strictEqual(server.securityContext.runAsNonRoot, true);
    });

    it("adds Knative's queue-proxy in Knative mode, and checks a scale-to-zero predictor as one Pod", () => {
      const w = one([...kserve("Knative"), isvc("chat", "gs://models/chat", { minReplicas: 0 })], "chat");
      assert.deepStrictEqual(containers(w.groups[0].pod.spec), ["kserve-container", "queue-proxy"]);
      assert.strictEqual(w.groups[0].count, 1);
      assert.strictEqual(w.controller, "KServe v0.20.0 (Knative mode)");
    });

    it("notes when the autoscaler's maxReplicas would outgrow the pools at their maximum size", () => {
      const model = isvc("chat", "gs://models/chat", {
        resources: {
          requests: { cpu: "4", memory: "8Gi" },
          limits: { cpu: "4", memory: "8Gi", "nvidia.com/gpu": "1" },
        },
      });
      (model.inputs.spec as { predictor: Record<string, unknown> }).predictor.maxReplicas = 5;
      const pool = nodePool("gpu-l4", { machineType: "g2-standard-12", gpus: { type: "nvidia-l4", count: 1 }, max: 2 });
      const w = workload(simulate([pool, namespace("team"), ...kserve(), model]), "chat");
      assert.strictEqual(w.status, "runnable");
      assert.ok(
        w.notes.includes("predictor: the autoscaler may ask for 5 Pods, but the pools at their maximum size hold 2"),
        w.notes.join("; "),
      );
    });

    it("reports an InferenceService without KServe, or with a runtime nobody installs", () => {
      assert.match(
        problems(workload(simulate([nodePool("system"), namespace("team"), isvc("chat", "gs://m/c")]), "chat"))[0],
        /^Controller: no KServe in the plan/,
      );
      const w = one([kserve()[0], isvc("chat", "gs://m/c", { runtime: "kserve-vllm" })], "chat");
      assert.match(w.problems[0].message, /^no ServingRuntime or ClusterServingRuntime named kserve-vllm/);
    });
  });

  describe("Kubeflow Trainer 2.3.0 TrainJob (pkg/runtime/core/trainingruntime.go, plugins/jobset/builder.go)", () => {
    const chart = (values: object = { runtimes: { torchDistributed: { enabled: true } } }): TestResource => ({
      type: K8S.chart,
      name: "trainer",
      inputs: {
        chart: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer",
        version: "2.3.0",
        namespace: "kubeflow-system",
        name: "kubeflow-trainer",
        values,
      },
    });
    const job = (runtime = "torch-distributed", extra: object = {}): TestResource => ({
      type: K8S.trainJob,
      name: "train",
      inputs: {
        apiVersion: "trainer.kubeflow.org/v1alpha1",
        kind: "TrainJob",
        metadata: { name: "train", namespace: "team" },
        spec: {
          runtimeRef: { name: runtime },
          trainer: { image: "img:1", numNodes: 3, resourcesPerNode: { limits: { "nvidia.com/gpu": "4" } } },
          ...extra,
        },
      },
    });

    it("takes the runtime the chart installs, numNodes Pods of the trainer's node container with its resources, and the runtime patches", () => {
      const w = one(
        [
          chart(),
          job("torch-distributed", {
            runtimePatches: [
              {
                manager: "x",
                trainingRuntimeSpec: {
                  template: {
                    spec: {
                      replicatedJobs: [
                        {
                          name: "node",
                          template: {
                            spec: {
                              template: {
                                spec: {
                                  nodeSelector: { pool: "a" },
                                  containers: [{ name: "node", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
                                  volumes: [{ name: "data", emptyDir: {} }],
                                },
                              },
                            },
                          },
                        },
                      ],
                    },
                  },
                },
              },
            ],
          }),
        ],
        "train",
      );
      assert.deepStrictEqual(w.problems, []);
      const [group] = w.groups;
      assert.deepStrictEqual([group.name, group.count, w.gang], ["node", 3, true]);
      const node = group.pod.spec.containers[0];
      assert.deepStrictEqual(
        [node.image, node.resources, node.volumeMounts],
        ["img:1", { limits: { "nvidia.com/gpu": "4" } }, [{ name: "data", mountPath: "/data" }]],
      );
      assert.deepStrictEqual(group.pod.spec.nodeSelector, { pool: "a" });
    });

    it("runs a runtime's initializers as their own Pod sets, before the trainer", () => {
      const runtime: TestResource = {
        type: K8S.runtime,
        name: "rt",
        inputs: {
          apiVersion: "trainer.kubeflow.org/v1alpha1",
          kind: "ClusterTrainingRuntime",
          metadata: { name: "with-init" },
          spec: {
            mlPolicy: { numNodes: 1, torch: {} },
            template: {
              spec: {
                replicatedJobs: [
                  {
                    name: "dataset-initializer",
                    template: {
                      metadata: { labels: { "trainer.kubeflow.org/trainjob-ancestor-step": "dataset-initializer" } },
                      spec: { template: { spec: { containers: [{ name: "dataset-initializer" }] } } },
                    },
                  },
                  {
                    name: "node",
                    dependsOn: [{ name: "dataset-initializer", status: "Complete" }],
                    template: {
                      metadata: { labels: { "trainer.kubeflow.org/trainjob-ancestor-step": "trainer" } },
                      spec: { template: { spec: { containers: [{ name: "node" }] } } },
                    },
                  },
                ],
              },
            },
          },
        },
      };
      const w = one([chart({}), runtime, job("with-init")], "train");
      assert.deepStrictEqual(
        w.groups.map((g) => [g.name, g.count, !!g.sequential]),
        [
          ["dataset-initializer", 1, true],
          ["node", 3, false],
        ],
      );
    });

    it("reports a runtime that is neither declared nor installed by the chart", () => {
      const w = one([chart({}), job()], "train");
      assert.deepStrictEqual(
        w.problems.map((p) => `${p.step}: ${p.message}`),
        ["Controller: TrainingRuntime specified in TrainJob is not found: ClusterTrainingRuntime torch-distributed"],
      );
      assert.deepStrictEqual(w.groups, []);
    });
  });

  describe("Kubeflow Training Operator v1.9.4 PyTorchJob (pkg/controller.v1/pytorch/initcontainer.go)", () => {
    it("creates the Master and the Workers, each Worker waiting for the Master in an init-pytorch init container", () => {
      const w = one(
        [
          {
            type: K8S.kustomization,
            name: "operator",
            inputs: {
              directory: "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone?ref=v1.9.4",
            },
          },
          {
            type: K8S.pytorchJob,
            name: "pt",
            inputs: {
              apiVersion: "kubeflow.org/v1",
              kind: "PyTorchJob",
              metadata: { name: "pt", namespace: "team" },
              spec: {
                pytorchReplicaSpecs: {
                  Master: { replicas: 1, template: { spec: { containers: [container({ name: "pytorch" })] } } },
                  Worker: { replicas: 3, template: { spec: { containers: [container({ name: "pytorch" })] } } },
                },
              },
            },
          },
        ],
        "pt",
      );
      assert.deepStrictEqual(
        w.groups.map((g) => [g.name, g.count, containers(g.pod.spec, "initContainers")]),
        [
          ["Master", 1, []],
          ["Worker", 3, ["init-pytorch"]],
        ],
      );
      assert.deepStrictEqual(w.groups[1].pod.spec.initContainers[0].resources, {
        limits: { cpu: "100m", memory: "20Mi" },
        requests: { cpu: "50m", memory: "10Mi" },
      });
      assert.strictEqual(w.controller, "Kubeflow Training Operator v1.9.4");
    });
  });

  describe("GKE's GCS FUSE sidecar (gcs-fuse-csi-driver pkg/webhook)", () => {
    const group = (annotations: Record<string, string>) => {
      const [w] = derive([deployment("team", "app", { containers: [container()] }, { annotations })]);
      injectGcsFuseSidecar(w.groups[0]);
      return w.groups[0];
    };
    it("injects a native sidecar with GKE's requests (250m, 256Mi, 5Gi) and no limits where gke-gcsfuse/volumes is true", () => {
      const g = group({ "gke-gcsfuse/volumes": "true" });
      const [sidecar] = g.pod.spec.initContainers;
      assert.deepStrictEqual(
        [sidecar.name, sidecar.restartPolicy, sidecar.resources],
        [
          "gke-gcsfuse-sidecar",
          "Always",
          { requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "5Gi" }, limits: {} },
        ],
      );
      assert.strictEqual(sidecar.securityContext.runAsUser, 65534);
      assert.strictEqual(group({}).pod.spec.initContainers, undefined);
    });

    it("takes the annotations' resources (a limit alone sets the request, 0 means unset) and a regular container when native sidecars are off", () => {
      const g = group({
        "gke-gcsfuse/volumes": "true",
        "gke-gcsfuse/cpu-limit": "1",
        "gke-gcsfuse/memory-request": "1Gi",
        "gke-gcsfuse/ephemeral-storage-limit": "0",
        "gke-gcsfuse/enable-native-sidecar": "false",
      });
      const sidecar = g.pod.spec.containers.find((c: { name: string }) => c.name === "gke-gcsfuse-sidecar");
      assert.deepStrictEqual(sidecar.resources, {
        requests: { cpu: "1", memory: "1Gi", "ephemeral-storage": "5Gi" },
        limits: { cpu: "1", memory: "1Gi" },
      });
      assert.strictEqual(sidecar.restartPolicy, undefined);
    });
  });

  describe("GKE's GCS FUSE metadata prefetch and NUMA pinning (gcs-fuse-csi-driver pkg/webhook/sidecar_spec.go, injection.go, cmd/webhook/main.go)", () => {
    const bucket = (attributes: Record<string, string> = {}) => ({
      name: "data",
      csi: { driver: "gcsfuse.csi.storage.gke.io", volumeAttributes: { bucketName: "b", ...attributes } },
    });
    it("adds the metadata prefetch sidecar after the FUSE sidecar where a volume asks for prefetching, with the webhook's default resources", () => {
      const [w] = derive([
        deployment(
          "team",
          "app",
          { containers: [container()], volumes: [bucket({ gcsfuseMetadataPrefetchOnMount: "true" })] },
          { annotations: { "gke-gcsfuse/volumes": "true" } },
        ),
      ]);
      injectGcsFuseSidecar(w.groups[0]);
      const [fuse, prefetch] = w.groups[0].pod.spec.initContainers;
      assert.deepStrictEqual(
        [fuse.name, prefetch.name, prefetch.restartPolicy],
        ["gke-gcsfuse-sidecar", "gke-gcsfuse-metadata-prefetch", "Always"],
      );
      assert.deepStrictEqual(prefetch.resources, {
        requests: { cpu: "10m", memory: "10Mi", "ephemeral-storage": "10Mi" },
        limits: { cpu: "50m", memory: "250Mi" },
      });
      const [plain] = derive([
        deployment(
          "team",
          "app",
          { containers: [container()], volumes: [bucket()] },
          { annotations: { "gke-gcsfuse/volumes": "true" } },
        ),
      ]);
      injectGcsFuseSidecar(plain.groups[0]);
      assert.deepStrictEqual(
        plain.groups[0].pod.spec.initContainers.map((c: { name: string }) => c.name),
        ["gke-gcsfuse-sidecar"],
      );
    });

    it("breaks a maxLimitRequestRatio LimitRange with the prefetch sidecar's limits (cpu 5x, memory 25x its requests)", () => {
      const w = workload(
        simulate([
          nodePool("system"),
          namespace("team"),
          {
            type: K8S.limitRange,
            name: "ratio",
            inputs: {
              apiVersion: "v1",
              kind: "LimitRange",
              metadata: { name: "ratio", namespace: "team" },
              spec: { limits: [{ type: "Container", maxLimitRequestRatio: { memory: "4" } }] },
            },
          },
          deployment(
            "team",
            "app",
            {
              containers: [container({ requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "64Mi" } })],
              volumes: [bucket({ gcsfuseMetadataPrefetchOnMount: "true" })],
            },
            { annotations: { "gke-gcsfuse/volumes": "true", "gke-gcsfuse/memory-limit": "256Mi" } },
          ),
        ]),
        "app",
      );
      assert.deepStrictEqual(problems(w), [
        "LimitRanger: memory max limit to request ratio per Container is 4, but provided ratio is 25.000000 (container gke-gcsfuse-metadata-prefetch)",
      ]);
    });

    it("runs the sidecar seccomp Unconfined with CAP_SYS_NICE under enable-numa-pinning, which baseline refuses", () => {
      const app = (annotations: Record<string, string>) =>
        deployment(
          "team",
          "app",
          { containers: [container()] },
          { annotations: { "gke-gcsfuse/volumes": "true", ...annotations } },
        );
      const refused = workload(
        simulate([
          nodePool("system"),
          namespace("team", enforce("baseline")),
          app({ "gke-gcsfuse/enable-numa-pinning": "true" }),
        ]),
        "app",
      );
      assert.match(
        problems(refused)[0],
        /violates PodSecurity "baseline:latest": non-default capabilities \(container "gke-gcsfuse-sidecar" must not include "CAP_SYS_NICE" .*seccompProfile \(container "gke-gcsfuse-sidecar" must not set securityContext\.seccompProfile\.type to "Unconfined"\)/,
      );
      assert.strictEqual(
        workload(simulate([nodePool("system"), namespace("team", enforce("baseline")), app({})]), "app").status,
        "runnable",
      );
    });
  });

  describe("charts and kustomizations (components/catalog/chart-workloads)", () => {
    const dcgm = (values: object, version = "4.8.1"): TestResource => ({
      type: K8S.chart,
      name: "dcgm",
      inputs: { chart: "dcgm-exporter", version, namespace: "monitoring", name: "dcgm-exporter", values },
    });

    it("derives the dcgm-exporter DaemonSet at system-node-critical unless the values name another class, with the values' tolerations", () => {
      const [w] = derive([
        dcgm({ tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] }),
      ]);
      assert.deepStrictEqual(
        [w.kind, w.name, w.namespace, w.source],
        ["DaemonSet", "dcgm-exporter", "monitoring", "chart dcgm-exporter 4.8.1"],
      );
      assert.strictEqual(w.groups[0].pod.spec.priorityClassName, "system-node-critical");
      assert.deepStrictEqual(w.groups[0].pod.spec.tolerations, [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      ]);
      assert.deepStrictEqual(w.groups[0].pod.spec.containers[0].securityContext.capabilities.add, ["SYS_ADMIN"]);
      assert.strictEqual(
        derive([dcgm({ priorityClassName: "monitoring-high" })])[0].groups[0].pod.spec.priorityClassName,
        "monitoring-high",
      );
    });

    it("derives KEDA 2.20.2's operator, metrics API server and webhooks, restricted-compliant, the operator on metadata-server nodes with GCP pod identity", () => {
      const keda = (values: object): TestResource => ({
        type: K8S.chart,
        name: "keda",
        inputs: { chart: "keda", version: "2.20.2", namespace: "keda", name: "keda", values },
      });
      const ws = derive([keda({})]);
      assert.deepStrictEqual(
        ws.map((w) => [w.kind, w.name, w.groups[0].pod.spec.nodeSelector]),
        [
          ["Deployment", "keda-operator", { "kubernetes.io/os": "linux" }],
          ["Deployment", "keda-operator-metrics-apiserver", { "kubernetes.io/os": "linux" }],
          ["Deployment", "keda-admission-webhooks", { "kubernetes.io/os": "linux" }],
        ],
      );
      assert.deepStrictEqual(ws[0].groups[0].pod.spec.containers[0].resources, {
        limits: { cpu: "1", memory: "1000Mi" },
        requests: { cpu: "100m", memory: "100Mi" },
      });
      const ns = namespace("keda", enforce("restricted"));
      const admitted = simulate([ns, keda({ webhooks: { enabled: false } }), nodePool("system")]);
      assert.deepStrictEqual(
        admitted.workloads.map((w) => [
          w.name,
          w.status,
          w.pods[0].admission.includes("PodSecurity restricted:latest"),
        ]),
        [
          ["keda-operator", "runnable", true],
          ["keda-operator-metrics-apiserver", "runnable", true],
        ],
      );
      // podIdentity.gcp.enabled: the operator asks for nodes running the GKE metadata server (templates/manager/deployment.yaml).
      const gcp = keda({
        podIdentity: { gcp: { enabled: true } },
        metricsServer: { enabled: false },
        webhooks: { enabled: false },
      });
      assert.match(
        problems(workload(simulate([ns, gcp, nodePool("system")]), "keda-operator"))[0],
        /iam\.gke\.io\/gke-metadata-server-enabled/,
      );
      assert.strictEqual(
        workload(simulate([ns, gcp, nodePool("system", { metadataServer: true })]), "keda-operator").status,
        "runnable",
      );
    });

    it("marks a chart version without facts as not checked, naming the versions that have them", () => {
      const [w] = derive([dcgm({}, "4.9.0")]);
      assert.match(w.unchecked!, /^no facts for chart dcgm-exporter 4\.9\.0 \(facts exist for 4\.8\.1\)/);
      assert.strictEqual(workload(simulate([dcgm({}, "4.9.0")]), "dcgm-exporter").status, "unchecked");
    });

    it("uses a chart's rendered objects instead of its facts when the CLI rendered it (a real preview)", () => {
      const chart = dcgm({});
      const rendered: TestResource = {
        ...deployment("monitoring", "rendered", { containers: [container()] }),
        parent: "urn:pulumi:policytest::cnai-platform::kubernetes:helm.sh/v4:Chart::dcgm",
      };
      assert.deepStrictEqual(
        derive([chart, rendered]).map((w) => w.name),
        ["rendered"],
      );
    });

    it("creates the Training Operator's namespace and Deployment from the v1.9.4 kustomization", () => {
      const section = simulate([
        nodePool("system"),
        {
          type: K8S.kustomization,
          name: "op",
          inputs: {
            directory: "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone?ref=v1.9.4",
          },
        },
      ]);
      const w = workload(section, "training-operator");
      assert.deepStrictEqual(
        [w.status, w.namespace, w.pods[0].admission],
        ["runnable", "kubeflow", ["Priority", "Validation", "PodSecurity privileged:latest"]],
      );
    });
  });
});
