import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { injectGcsFuseSidecar } from "../../../policies/lib/analysis/workloads/derive/gcsfuse";
import type { PodGroup } from "../../../policies/lib/analysis/workloads/model";

/**
 * GKE's GCS FUSE CSI driver webhook on one Pod. Expected values from GoogleCloudPlatform/gcs-fuse-csi-driver:
 * pkg/webhook/mutatingwebhook.go (gke-gcsfuse/volumes parsed by parsers.go ParseBool: True/true; no second sidecar
 * when one is injected; the sidecar volumes prepended to the Pod's), pkg/webhook/injection.go (native sidecar unless
 * gke-gcsfuse/enable-native-sidecar is false; inserted after istio-proxy, else first; the metadata prefetch sidecar
 * right after the FUSE sidecar), pkg/webhook/sidecar_spec.go (GetSidecarContainerVolumeSpec: gke-gcsfuse-tmp, and
 * gke-gcsfuse-buffer and gke-gcsfuse-cache unless the Pod has them; GetMetadataPrefetchSidecarContainerSpec: a
 * gcsfuse.csi.storage.gke.io volume with gcsfuseMetadataPrefetchOnMount true), pkg/webhook/config.go
 * (populateResource, prepareResourceList: "0" unsets) and deploy/base/webhook/deployment.yaml (defaults 250m,
 * 256Mi, 5Gi, no limits).
 */
function group(annotations: Record<string, string>, spec: JsonObject = {}): PodGroup {
  return {
    name: "app",
    count: 1,
    pod: {
      metadata: { name: "app", namespace: "team", labels: {}, annotations },
      spec: { containers: [{ name: "app", image: "app:1" }], ...spec },
    },
    injected: [],
  };
}
const inject = (annotations: Record<string, string>, spec: JsonObject = {}): PodGroup => {
  const g = group(annotations, spec);
  injectGcsFuseSidecar(g);
  return g;
};
const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);
const ON = { "gke-gcsfuse/volumes": "true" };
const REGULAR = { ...ON, "gke-gcsfuse/enable-native-sidecar": "false" };
const bucket = (name: string, attributes?: Record<string, string>, driver = "gcsfuse.csi.storage.gke.io") => ({
  name,
  csi: { driver, ...(attributes ? { volumeAttributes: attributes } : {}) },
});

describe("workload simulation: GKE's GCS FUSE sidecar webhook (gcs-fuse-csi-driver pkg/webhook)", () => {
  const switches: { value?: string; injected: boolean }[] = [
    { value: "true", injected: true },
    { value: "True", injected: true },
    { value: "false", injected: false },
    { value: undefined, injected: false },
  ];
  for (const { value, injected } of switches) {
    it(`gke-gcsfuse/volumes ${value ?? "absent"}: ${injected ? "the sidecar" : "nothing"}`, () => {
      const g = inject(value === undefined ? {} : { "gke-gcsfuse/volumes": value });
      assert.deepStrictEqual(names(g.pod.spec.initContainers), injected ? ["gke-gcsfuse-sidecar"] : []);
      assert.strictEqual(g.injected.length, injected ? 1 : 0);
      assert.strictEqual(g.pod.spec.volumes === undefined, !injected);
    });
  }

  it("adds no second sidecar when the Pod has one, as an init container or a container", () => {
    for (const field of ["initContainers", "containers"]) {
      const own = { name: "gke-gcsfuse-sidecar", image: "mine:1" };
      const g = inject(ON, { [field]: [own] });
      assert.deepStrictEqual(g.pod.spec[field], [own], field);
      assert.deepStrictEqual(g.injected, [], field);
      assert.strictEqual(g.pod.spec.volumes, undefined, field);
    }
  });

  it("injects a native sidecar first among the init containers, and names it so", () => {
    const g = inject(ON, { initContainers: [{ name: "setup", image: "s:1" }] });
    assert.deepStrictEqual(names(g.pod.spec.initContainers), ["gke-gcsfuse-sidecar", "setup"]);
    assert.strictEqual(g.pod.spec.initContainers[0].restartPolicy, "Always");
    assert.deepStrictEqual(names(g.pod.spec.containers), ["app"]);
    assert.match(g.injected[0], /^gke-gcsfuse-sidecar .*native sidecar/);
  });

  it("injects a regular sidecar first among the containers when native sidecars are off", () => {
    const g = inject(REGULAR, { initContainers: [{ name: "setup", image: "s:1" }] });
    assert.deepStrictEqual(names(g.pod.spec.containers), ["gke-gcsfuse-sidecar", "app"]);
    assert.deepStrictEqual(names(g.pod.spec.initContainers), ["setup"]);
    assert.strictEqual(g.pod.spec.containers[0].restartPolicy, undefined);
    assert.doesNotMatch(g.injected[0], /native/);
  });

  it("places the sidecar right after Istio's istio-proxy", () => {
    const regular = inject(REGULAR, { containers: [{ name: "istio-proxy" }, { name: "app" }] });
    assert.deepStrictEqual(names(regular.pod.spec.containers), ["istio-proxy", "gke-gcsfuse-sidecar", "app"]);
    const native = inject(ON, { initContainers: [{ name: "istio-init" }, { name: "istio-proxy" }, { name: "setup" }] });
    assert.deepStrictEqual(names(native.pod.spec.initContainers), [
      "istio-init",
      "istio-proxy",
      "gke-gcsfuse-sidecar",
      "setup",
    ]);
  });

  it("prepends its emptyDir volumes (tmp, buffer, cache) to the Pod's, keeping a buffer or cache volume the Pod brings", () => {
    const data = bucket("data", { bucketName: "b" });
    const plain = inject(ON, { volumes: [data] });
    assert.deepStrictEqual(plain.pod.spec.volumes, [
      { name: "gke-gcsfuse-tmp", emptyDir: {} },
      { name: "gke-gcsfuse-buffer", emptyDir: {} },
      { name: "gke-gcsfuse-cache", emptyDir: {} },
      data,
    ]);
    const cache = { name: "gke-gcsfuse-cache", persistentVolumeClaim: { claimName: "cache" } };
    const own = inject(ON, { volumes: [cache, data] });
    assert.deepStrictEqual(own.pod.spec.volumes, [
      { name: "gke-gcsfuse-tmp", emptyDir: {} },
      { name: "gke-gcsfuse-buffer", emptyDir: {} },
      cache,
      data,
    ]);
  });

  describe("resources from the annotations (config.go populateResource, prepareResourceList)", () => {
    const cases: { title: string; annotations: Record<string, string>; requests: JsonObject; limits: JsonObject }[] = [
      {
        title: "a cpu request of 0 unsets the request and the limit it sets",
        annotations: { "gke-gcsfuse/cpu-request": "0" },
        requests: { memory: "256Mi", "ephemeral-storage": "5Gi" },
        limits: {},
      },
      {
        title: "a memory limit of 0 alone keeps the default request, without a limit",
        annotations: { "gke-gcsfuse/memory-limit": "0" },
        requests: { cpu: "250m", memory: "256Mi", "ephemeral-storage": "5Gi" },
        limits: {},
      },
      {
        title: "a memory limit alone sets the request to it",
        annotations: { "gke-gcsfuse/memory-limit": "1Gi" },
        requests: { cpu: "250m", memory: "1Gi", "ephemeral-storage": "5Gi" },
        limits: { memory: "1Gi" },
      },
      {
        title: "a request and a limit kept as given",
        annotations: { "gke-gcsfuse/cpu-request": "500m", "gke-gcsfuse/cpu-limit": "2" },
        requests: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "5Gi" },
        limits: { cpu: "2" },
      },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const g = inject({ ...ON, ...c.annotations });
        assert.deepStrictEqual(g.pod.spec.initContainers[0].resources, { requests: c.requests, limits: c.limits });
      });
    }
  });

  describe("the metadata prefetch sidecar (sidecar_spec.go GetMetadataPrefetchSidecarContainerSpec)", () => {
    const cases: { title: string; volumes: JsonObject[]; prefetch: boolean }[] = [
      {
        title: "a driver volume with gcsfuseMetadataPrefetchOnMount true",
        volumes: [bucket("data", { gcsfuseMetadataPrefetchOnMount: "true" })],
        prefetch: true,
      },
      { title: "True", volumes: [bucket("data", { gcsfuseMetadataPrefetchOnMount: "True" })], prefetch: true },
      { title: "false", volumes: [bucket("data", { gcsfuseMetadataPrefetchOnMount: "false" })], prefetch: false },
      {
        title: "another CSI driver",
        volumes: [bucket("data", { gcsfuseMetadataPrefetchOnMount: "true" }, "other.csi.k8s.io")],
        prefetch: false,
      },
      { title: "a driver volume without attributes", volumes: [bucket("data")], prefetch: false },
      { title: "a volume that is not CSI", volumes: [{ name: "scratch", emptyDir: {} }], prefetch: false },
      {
        title: "one of several volumes",
        volumes: [{ name: "scratch", emptyDir: {} }, bucket("data", { gcsfuseMetadataPrefetchOnMount: "true" })],
        prefetch: true,
      },
    ];
    for (const c of cases) {
      it(`${c.title}: ${c.prefetch ? "prefetch sidecar" : "none"}`, () => {
        const g = inject(ON, { volumes: c.volumes });
        assert.deepStrictEqual(
          names(g.pod.spec.initContainers),
          c.prefetch ? ["gke-gcsfuse-sidecar", "gke-gcsfuse-metadata-prefetch"] : ["gke-gcsfuse-sidecar"],
        );
        assert.strictEqual(/gke-gcsfuse-metadata-prefetch/.test(g.injected[0]), c.prefetch);
      });
    }

    it("follows the FUSE sidecar as a regular container when native sidecars are off", () => {
      const g = inject(REGULAR, { volumes: [bucket("data", { gcsfuseMetadataPrefetchOnMount: "true" })] });
      assert.deepStrictEqual(names(g.pod.spec.containers), [
        "gke-gcsfuse-sidecar",
        "gke-gcsfuse-metadata-prefetch",
        "app",
      ]);
      assert.strictEqual(g.pod.spec.containers[1].restartPolicy, undefined);
    });
  });
});
