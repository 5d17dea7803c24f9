import * as assert from "node:assert";
import { privilegedContainers } from "../../../policies/governance/policies/privileged-containers";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";

/** A training runtime's (or runtime patch's) `template.spec.replicatedJobs` with one Pod spec. */
const replicated = (spec: Record<string, unknown>) => ({
  template: { spec: { replicatedJobs: [{ name: "node", template: { spec: { template: { spec } } } }] } },
});
const DAEMONSET = "kubernetes:apps/v1:DaemonSet";
const pod = (spec: Record<string, unknown>, name = "ds") => ({
  type: DAEMONSET,
  name,
  inputs: { spec: { template: { spec: { containers: [{ name: "c", image: "x:1" }], ...spec } } } },
});
const container = (securityContext: Record<string, unknown>) =>
  pod({ containers: [{ name: "c", image: "x:1", securityContext }] });

describe("policy cnai-privileged-containers", () => {
  it("passes a restricted container", async () => {
    const safe = container({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
    });
    assert.deepStrictEqual(
      await messagesOf(privilegedContainers, [safe, pod({ volumes: [{ name: "data", emptyDir: {} }] })]),
      [],
    );
  });

  it("rejects privileged containers and privilege escalation", async () => {
    const messages = await messagesOf(privilegedContainers, [
      container({ privileged: true, allowPrivilegeEscalation: true }),
    ]);
    assert.deepStrictEqual(messages, [
      "spec.template.spec.containers.0 (c) is privileged: it has every capability and the node's devices. Remove securityContext.privileged (GPUs are exposed through the nvidia.com/gpu resource, not privilege).",
      "spec.template.spec.containers.0 (c) sets allowPrivilegeEscalation: true, so setuid binaries can gain root. Set it to false.",
    ]);
  });

  it("rejects added capabilities beyond the safe list (CAP_ prefix and case ignored)", async () => {
    const [message] = await messagesOf(privilegedContainers, [
      container({ capabilities: { add: ["cap_sys_admin", "NET_BIND_SERVICE", "NET_RAW"] } }),
    ]);
    assert.match(message, /adds capabilities SYS_ADMIN, NET_RAW \(allowed: NET_BIND_SERVICE\)/);
    assert.deepStrictEqual(
      await messagesOf(privilegedContainers, [container({ capabilities: { add: ["NET_RAW"] } })], {
        allowedCapabilities: ["NET_RAW"],
      }),
      [],
    );
  });

  it("rejects host namespaces and hostPath volumes", async () => {
    const messages = await messagesOf(privilegedContainers, [
      pod({ hostNetwork: true, hostPID: true, hostIPC: true, volumes: [{ name: "root", hostPath: { path: "/" } }] }),
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(":")[0]),
      [
        "spec.template.spec.hostNetwork is true",
        "spec.template.spec.hostPID is true",
        "spec.template.spec.hostIPC is true",
        "spec.template.spec.volumes.0 (root) mounts host path /",
      ],
    );
  });

  it("checks templates and patches too", async () => {
    const runtime = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime",
      inputs: {
        spec: replicated({ hostIPC: true, containers: [{ name: "node", securityContext: { privileged: true } }] }),
      },
    };
    const patch = {
      trainingRuntimeSpec: replicated({
        containers: [{ name: "node", securityContext: { allowPrivilegeEscalation: true } }],
      }),
    };
    const trainJob = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
      inputs: { spec: { trainer: { image: "x:1" }, runtimePatches: [patch] } },
    };
    assert.match(
      (await messagesOf(privilegedContainers, [trainJob]))[0],
      /^spec\.runtimePatches\.0\..* sets allowPrivilegeEscalation: true/,
    );
    assert.strictEqual((await messagesOf(privilegedContainers, [runtime])).length, 2);
  });

  it("is switched off only by an exemption in config", async () => {
    const annotated = {
      ...pod({ hostNetwork: true }, "node-exporter"),
      inputs: {
        metadata: { annotations: { "cnai.dev/allow-privileged": "true" } },
        ...pod({ hostNetwork: true }).inputs,
      },
    };
    assert.strictEqual((await messagesOf(privilegedContainers, [annotated])).length, 1);
    const exemptions = [
      { urn: urnOf(DAEMONSET, "node-exporter"), reason: "node-exporter reads host metrics through the host network" },
    ];
    assert.deepStrictEqual(await violationsOf(privilegedContainers, [annotated], { exemptions }), []);
  });

  it("names the shared namespace, an unnamed container (a KServe model) and an empty safe list", async () => {
    assert.deepStrictEqual(await messagesOf(privilegedContainers, [pod({ hostPID: true })]), [
      "spec.template.spec.hostPID is true: the Pod shares the node's PID namespace. Remove it.",
    ]);
    // KServe v1beta1: the predictor's model is a container whose name is optional.
    const isvc = {
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      name: "chat",
      inputs: {
        spec: { predictor: { model: { modelFormat: { name: "huggingface" }, securityContext: { privileged: true } } } },
      },
    };
    const [privileged] = await messagesOf(privilegedContainers, [isvc]);
    assert.match(privileged, /^spec\.predictor\.model \(unnamed\) is privileged: /);
    const [none] = await messagesOf(
      privilegedContainers,
      [container({ capabilities: { add: ["NET_BIND_SERVICE"] } })],
      {
        allowedCapabilities: [],
      },
    );
    assert.match(none, /adds capabilities NET_BIND_SERVICE \(allowed: none\)\. Drop them, or exempt the resource/);
  });
});
