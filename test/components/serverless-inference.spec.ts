import * as assert from "node:assert";
import { CLOUD_RUN_GPU_REGIONS } from "../../components/catalog/cloud-run-gpu";
import type { Region } from "../../components/catalog/regions";
import {
  CLOUD_RUN_INGRESS,
  resolveServerlessInferenceArgs,
  ServerlessInference,
  type ServerlessInferenceArgs,
} from "../../components/serving/serverless-inference";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:serving:ServerlessInference";
const SERVICE = "gcp:cloudrunv2/service:Service";
const INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember";

const REGISTRY = "us-central1-docker.pkg.dev/acme-test/cnai-test-images";
const IMAGE = `${REGISTRY}/vllm-openai:v0.11.0`;
const SERVING_SA = "cnai-test-serving@acme-test.iam.gserviceaccount.com";

function args(overrides: Partial<ServerlessInferenceArgs> = {}): ServerlessInferenceArgs {
  return {
    project: "acme-test",
    region: "us-central1",
    prefix: "cnai-test",
    labels: STACK_LABELS,
    registry: REGISTRY,
    image: IMAGE,
    serviceAccount: SERVING_SA,
    ...overrides,
  };
}

function serverless(overrides: Partial<ServerlessInferenceArgs> = {}, name = "chat"): Promise<RunResult> {
  return run(() => {
    const si = new ServerlessInference(name, args(overrides));
    return { uri: si.uri };
  });
}

async function service(overrides: Partial<ServerlessInferenceArgs> = {}): Promise<RecordedResource> {
  return one(await serverless(overrides), SERVICE, "chat");
}

const container = (svc: RecordedResource) => {
  const containers = input(svc, "template.containers") as Array<Record<string, unknown>>;
  assert.strictEqual(containers.length, 1);
  return containers[0];
};

/** The invoker grant for a member (grants are recorded in no fixed order). */
function invokerFor(result: RunResult, member: string): RecordedResource {
  const found = all(result, INVOKER).filter((r) => input(r, "member") === member);
  assert.strictEqual(found.length, 1, `expected one invoker grant for ${member}, found ${found.length}`);
  return found[0];
}

describe("ServerlessInference", () => {
  describe("defaults", () => {
    it("creates a Cloud Run service <prefix>-<name> in the project and region", async () => {
      const result = await serverless();
      const svc = one(result, SERVICE, "chat");
      assert.strictEqual(all(result, SERVICE).length, 1);
      assert.strictEqual(input(svc, "name"), "cnai-test-chat");
      assert.strictEqual(input(svc, "project"), "acme-test");
      assert.strictEqual(input(svc, "location"), "us-central1");
      assert.strictEqual(svc.parent, one(result, COMPONENT, "chat").urn);
    });

    it("is reachable from inside the VPC only, with invoker IAM checks on and no deletion protection", async () => {
      const svc = await service();
      assert.strictEqual(input(svc, "ingress"), "INGRESS_TRAFFIC_INTERNAL_ONLY");
      assert.strictEqual(input(svc, "invokerIamDisabled"), false);
      assert.strictEqual(input(svc, "deletionProtection"), false);
    });

    it("carries the governance and sustainability labels: inference, not shiftable, the region's carbon tier", async () => {
      assert.deepStrictEqual(input(await service(), "labels"), {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "serverless-inference",
        "workload-type": "inference",
        shiftable: "false",
        "carbon-tier": "low",
      });
    });

    it("runs as the serving service account on an NVIDIA L4, without zonal redundancy", async () => {
      const svc = await service();
      assert.strictEqual(input(svc, "template.serviceAccount"), SERVING_SA);
      assert.deepStrictEqual(input(svc, "template.nodeSelector"), { accelerator: "nvidia-l4" });
      assert.strictEqual(input(svc, "template.gpuZonalRedundancyDisabled"), true);
    });

    it("scales from 0 to 3 instances, each serving 4 requests at once", async () => {
      const svc = await service();
      assert.deepStrictEqual(input(svc, "template.scaling"), { minInstanceCount: 0, maxInstanceCount: 3 });
      assert.strictEqual(input(svc, "template.maxInstanceRequestConcurrency"), 4);
    });

    it("runs one container: the image, no arguments, port 8080", async () => {
      const c = container(await service());
      assert.strictEqual(c.image, IMAGE);
      assert.deepStrictEqual(c.args, []);
      assert.deepStrictEqual(c.ports, { containerPort: 8080 });
    });

    it("limits an instance to 8 CPU, 32 GiB and one GPU, with CPU always allocated and startup boost", async () => {
      assert.deepStrictEqual(container(await service()).resources, {
        limits: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" },
        cpuIdle: false,
        startupCpuBoost: true,
      });
    });

    it("waits for the model to load: an HTTP startup probe on vLLM's /health every 10 s, for up to 1800 s (Cloud Run's limit with a GPU)", async () => {
      assert.deepStrictEqual(container(await service()).startupProbe, {
        httpGet: { path: "/health", port: 8080 },
        initialDelaySeconds: 0,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 180,
      });
    });

    it("mounts nothing and keeps the image's entrypoint unless given a models bucket and a command; runs on the second generation environment", async () => {
      const svc = await service();
      assert.strictEqual(input(svc, "template.volumes"), undefined);
      assert.strictEqual(container(svc).volumeMounts, undefined);
      assert.strictEqual(container(svc).commands, undefined);
      assert.strictEqual(input(svc, "template.executionEnvironment"), "EXECUTION_ENVIRONMENT_GEN2");
    });

    it("grants no invoker by default, and outputs the service's URI", async () => {
      const result = await serverless();
      assert.strictEqual(all(result, INVOKER).length, 0);
      assert.match(String(result.outputs.uri), /^https:\/\//);
    });

    it("resolves the defaults in a pure function", () => {
      assert.deepStrictEqual(resolveServerlessInferenceArgs("chat", args()), {
        accelerator: "nvidia-l4",
        cpu: 8,
        memoryGi: 32,
        minInstances: 0,
        maxInstances: 3,
        concurrency: 4,
        ingress: "internal",
        port: 8080,
        healthPath: "/health",
        startupTimeoutSeconds: 1800,
        modelsMountPath: "/models",
        deployHealthCheck: false,
      });
    });

    it("deploys without starting a container, so a revision whose model is not uploaded yet does not fail the create or update", async () => {
      // Cloud Run Admin API v2 RevisionTemplate.healthCheckDisabled: "Disables health checking containers during deployment".
      assert.strictEqual(input(await service(), "template.healthCheckDisabled"), true);
      assert.strictEqual(input(await service({ deployHealthCheck: true }), "template.healthCheckDisabled"), false);
    });

    it("gives the provider time for the image pull and the whole startup window, beyond its 20-minute default", async () => {
      // magic-modules mmv1/products/cloudrunv2/Service.yaml: insert_minutes 20, update_minutes 20; the startup window alone is up to 30 minutes.
      assert.deepStrictEqual((await service()).options.customTimeouts, { create: "45m", update: "45m" });
      assert.deepStrictEqual((await service({ startupTimeoutSeconds: 600 })).options.customTimeouts, {
        create: "25m",
        update: "25m",
      });
    });
  });

  describe("options", () => {
    it("invokers are each granted roles/run.invoker on the service", async () => {
      const members = ["group:ml-users@acme.example", "serviceAccount:gateway@acme-test.iam.gserviceaccount.com"];
      const result = await serverless({ invokers: members });
      assert.strictEqual(all(result, INVOKER).length, 2);
      const component = one(result, COMPONENT, "chat");
      for (const member of members) {
        const grant = invokerFor(result, member);
        assert.deepStrictEqual(grant.inputs, {
          project: "acme-test",
          location: "us-central1",
          name: "cnai-test-chat",
          role: "roles/run.invoker",
          member,
        });
        assert.strictEqual(grant.parent, component.urn);
      }
    });

    it("ingress all and internal-and-cloud-load-balancing map to the Cloud Run values", async () => {
      assert.strictEqual(input(await service({ ingress: "all" }), "ingress"), "INGRESS_TRAFFIC_ALL");
      assert.strictEqual(
        input(await service({ ingress: "internal-and-cloud-load-balancing" }), "ingress"),
        "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      );
      assert.deepStrictEqual(CLOUD_RUN_INGRESS, {
        all: "INGRESS_TRAFFIC_ALL",
        internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
        "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      });
    });

    it("minInstances and maxInstances set the scaling bounds (one instance kept warm)", async () => {
      assert.deepStrictEqual(input(await service({ minInstances: 1, maxInstances: 5 }), "template.scaling"), {
        minInstanceCount: 1,
        maxInstanceCount: 5,
      });
    });

    it("concurrency sets the requests an instance serves at once", async () => {
      assert.strictEqual(input(await service({ concurrency: 1 }), "template.maxInstanceRequestConcurrency"), 1);
    });

    it("cpu and memoryGi size the instance (the L4 minimum, 4 CPU and 16 GiB, is accepted)", async () => {
      assert.deepStrictEqual(container(await service({ cpu: 4, memoryGi: 16 })).resources, {
        limits: { cpu: "4", memory: "16Gi", "nvidia.com/gpu": "1" },
        cpuIdle: false,
        startupCpuBoost: true,
      });
    });

    it("deletionProtection: true protects the service", async () => {
      assert.strictEqual(input(await service({ deletionProtection: true }), "deletionProtection"), true);
    });

    it("region europe-west4 places the service and the invoker grants there, carbon tier low", async () => {
      const result = await serverless({ region: "europe-west4", invokers: ["group:ml-users@acme.example"] });
      const svc = one(result, SERVICE, "chat");
      assert.strictEqual(input(svc, "location"), "europe-west4");
      assert.strictEqual(input(svc, "labels.carbon-tier"), "low");
      assert.strictEqual(input(invokerFor(result, "group:ml-users@acme.example"), "location"), "europe-west4");
    });

    it("region us-east4 labels the service with that region's carbon tier, medium", async () => {
      assert.strictEqual(input(await service({ region: "us-east4" }), "labels.carbon-tier"), "medium");
    });

    it("port and args configure the container and its probe", async () => {
      const c = container(await service({ port: 8000, args: ["--model=/models/llama", "--max-model-len=8192"] }));
      assert.deepStrictEqual(c.ports, { containerPort: 8000 });
      assert.deepStrictEqual((c.startupProbe as Record<string, unknown>).httpGet, { path: "/health", port: 8000 });
      assert.deepStrictEqual(c.args, ["--model=/models/llama", "--max-model-len=8192"]);
    });

    it("models mounts the bucket read-only as a Cloud Storage volume (read with the service identity) at /models, so the server finds the model at start-up", async () => {
      const svc = await service({
        models: { bucket: "acme-test-cnai-test-models" },
        command: ["vllm", "serve"],
        args: ["/models/chat/v1"],
      });
      // implicit-dirs: folders uploaded without placeholder objects are visible (gcsfuse docs/semantics.md, "Implicit directories").
      assert.deepStrictEqual(input(svc, "template.volumes"), [
        {
          name: "models",
          gcs: { bucket: "acme-test-cnai-test-models", readOnly: true, mountOptions: ["implicit-dirs"] },
        },
      ]);
      assert.deepStrictEqual(container(svc).volumeMounts, [{ name: "models", mountPath: "/models" }]);
      assert.deepStrictEqual(container(svc).commands, ["vllm", "serve"]);
      assert.strictEqual(input(svc, "template.serviceAccount"), SERVING_SA);
    });

    it("startupTimeoutSeconds and healthPath shape the probe", async () => {
      const probe = container(await service({ startupTimeoutSeconds: 600, healthPath: "/ready" }))
        .startupProbe as Record<string, unknown>;
      assert.deepStrictEqual(
        [probe.httpGet, probe.failureThreshold, probe.periodSeconds],
        [{ path: "/ready", port: 8080 }, 60, 10],
      );
    });

    it("an image pinned by digest, and a registry given with a trailing slash, are accepted", async () => {
      const image = `${REGISTRY}/vllm-openai@sha256:${"b".repeat(64)}`;
      assert.strictEqual(container(await service({ image, registry: `${REGISTRY}/` })).image, image);
    });

    it("a long name is shortened to Cloud Run's 49 characters, deterministically", async () => {
      const name = "a-very-long-serverless-inference-service-name-for-tests";
      const svc = one(await serverless({}, name), SERVICE, name);
      const physical = String(input(svc, "name"));
      assert.ok(physical.length <= 49, `${physical} has at most 49 characters`);
      assert.match(physical, /^cnai-test-a-very-long-.*-[0-9a-f]{6}$/);
      assert.strictEqual(
        input(one(await serverless({}, name), SERVICE, name), "name"),
        physical,
        "the same name on every run",
      );
    });
  });

  describe("validation", () => {
    const refused = (type: string) => (r: RecordedResource) => r.type === type;
    const cases: Array<{ title: string; overrides: Partial<ServerlessInferenceArgs>; message: string }> = [
      {
        title: "a region without Cloud Run GPUs (us-east1), listing the regions and suggesting ModelDeployment",
        overrides: { region: "us-east1" as Region },
        message:
          "Cloud Run offers nvidia-l4 GPUs in asia-southeast1, asia-south1, europe-west1, europe-west4, us-central1, us-east4, not in us-east1. Either deploy to one of those regions, or serve on the cluster (ModelDeployment)",
      },
      {
        title: "an image from another registry",
        overrides: { image: "docker.io/vllm/vllm-openai:v0.11.0" },
        message: `image docker.io/vllm/vllm-openai:v0.11.0 must come from the project's registry ${REGISTRY}/`,
      },
      {
        title: "an image from a registry whose name only begins like the project's",
        overrides: { image: `${REGISTRY}-mirror/vllm-openai:v0.11.0` },
        message: `image ${REGISTRY}-mirror/vllm-openai:v0.11.0 must come from the project's registry ${REGISTRY}/`,
      },
      {
        title: "an image tagged :latest",
        overrides: { image: `${REGISTRY}/vllm-openai:latest` },
        message: `image ${REGISTRY}/vllm-openai:latest needs a pinned tag or digest (not :latest)`,
      },
      {
        title: "an untagged image",
        overrides: { image: `${REGISTRY}/vllm-openai` },
        message: `image ${REGISTRY}/vllm-openai needs a pinned tag or digest (not :latest)`,
      },
      {
        title: "cpu 2, below the L4 minimum",
        overrides: { cpu: 2 },
        message: "an instance with nvidia-l4 needs at least 4 CPU and 16 GiB (got 2 CPU, 32 GiB)",
      },
      {
        title: "memoryGi 8, below the L4 minimum",
        overrides: { memoryGi: 8 },
        message: "an instance with nvidia-l4 needs at least 4 CPU and 16 GiB (got 8 CPU, 8 GiB)",
      },
      {
        title: "a startup window above Cloud Run's 1800 s with a GPU",
        overrides: { startupTimeoutSeconds: 3600 },
        message:
          "startupTimeoutSeconds must be a whole number from 10 to 1800, Cloud Run's limit with a GPU (got 3600)",
      },
      {
        title: "maxInstances below minInstances",
        overrides: { minInstances: 4, maxInstances: 2 },
        message: "maxInstances must be at least minInstances and 1 (got 2)",
      },
      {
        title: "concurrency 0",
        overrides: { concurrency: 0 },
        message: "concurrency must be from 1 to 1000 (got 0)",
      },
    ];

    for (const { title, overrides, message } of cases) {
      it(`refuses ${title}, and creates no service or grant`, async () => {
        await assert.rejects(serverless(overrides), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.strictEqual(error.message, `ServerlessInference "chat": ${message}`);
          assert.strictEqual(error.resources.filter(refused(SERVICE)).length, 0);
          assert.strictEqual(error.resources.filter(refused(INVOKER)).length, 0);
          return true;
        });
        assert.throws(
          () => resolveServerlessInferenceArgs("chat", args(overrides)),
          (error: Error) => error.message === `ServerlessInference "chat": ${message}`,
        );
      });
    }

    for (const member of ["allUsers", "allAuthenticatedUsers"]) {
      it(`refuses ${member} as an invoker (it would make the service public), and creates no service or grant`, async () => {
        await assert.rejects(
          serverless({ ingress: "all", invokers: ["group:ml-users@acme.example", member] }),
          (error: ProgramError) => {
            assert.ok(error instanceof ProgramError, "expected the program to fail");
            assert.strictEqual(
              error.message,
              `ServerlessInference "chat": invokers: ${member} would make the resource public; grant named principals only`,
            );
            assert.strictEqual(error.resources.filter(refused(SERVICE)).length, 0);
            assert.strictEqual(error.resources.filter(refused(INVOKER)).length, 0);
            return true;
          },
        );
      });
    }

    it("refuses an invoker that is not an IAM member", async () => {
      await assert.rejects(serverless({ invokers: ["alice@acme.example"] }), (error: ProgramError) => {
        assert.match(
          error.message,
          /^ServerlessInference "chat": invokers: "alice@acme\.example" is not an IAM member \(user:, group:, serviceAccount:, domain:, principal: or principalSet:\)$/,
        );
        assert.strictEqual(error.resources.filter(refused(SERVICE)).length, 0);
        return true;
      });
    });

    it("the regions in the message are the catalog's", () => {
      assert.deepStrictEqual(
        [...CLOUD_RUN_GPU_REGIONS["nvidia-l4"]],
        ["asia-southeast1", "asia-south1", "europe-west1", "europe-west4", "us-central1", "us-east4"],
      );
    });
  });
});

describe("ServerlessInference limits", () => {
  const refused: Array<[string, Partial<ServerlessInferenceArgs>, RegExp]> = [
    [
      "more than 8 CPU",
      { cpu: 9 },
      /a Cloud Run instance has whole CPUs up to 8 and whole GiB up to 32 \(got 9 CPU, 32 GiB\)/,
    ],
    ["more than 32 GiB", { memoryGi: 64 }, /whole GiB up to 32 \(got 8 CPU, 64 GiB\)/],
    ["a fractional CPU", { cpu: 4.5 }, /whole CPUs up to 8/],
    ["port 0", { port: 0 }, /port must be from 1 to 65535 \(got 0\)/],
  ];
  for (const [what, overrides, message] of refused) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(serverless(overrides), message);
    });
  }

  it("names invoker grants by member, so reordering the list replaces no grant", async () => {
    const a = await serverless({ invokers: ["group:a@acme.com", "user:b@acme.com"] });
    const b = await serverless({ invokers: ["user:b@acme.com", "group:a@acme.com"] });
    const names = (r: RunResult) =>
      all(r, INVOKER)
        .map((m) => m.name)
        .sort();
    assert.deepStrictEqual(names(a), ["chat-invoker-group-a-acme-com", "chat-invoker-user-b-acme-com"]);
    assert.deepStrictEqual(names(b), names(a));
  });
});
