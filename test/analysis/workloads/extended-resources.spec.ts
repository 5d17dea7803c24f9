import * as assert from "node:assert";
import { addExtendedResourceTolerations } from "../../../policies/lib/analysis/workloads/admission/extended-resources";
import type { PodObject, Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * The ExtendedResourceToleration admission plugin. Source: kubernetes
 * plugin/pkg/admission/extendedresourcetoleration/admission.go (Admit: the extended resources the
 * containers and init containers request, as a sorted set; a toleration `<resource>` Exists NoSchedule
 * for each through helper.AddOrUpdateTolerationInPod, which keeps a toleration that MatchToleration
 * finds identical: same key, effect, operator and value) and pkg/apis/core/helper/helpers.go
 * (IsExtendedResourceName: not native, not hugepages).
 */
const podOf = (spec: Props): PodObject => ({
  metadata: { name: "p", namespace: "team", labels: {}, annotations: {} },
  spec,
});
const requesting = (requests: Record<string, string>, name = "app"): Props => ({ name, resources: { requests } });
const toleration = (key: string) => ({ key, operator: "Exists", effect: "NoSchedule" });

describe("ExtendedResourceToleration (kubernetes plugin/pkg/admission/extendedresourcetoleration/admission.go)", () => {
  it("tolerates each extended resource requested by a container or an init container, once, in sorted order", () => {
    const pod = podOf({
      initContainers: [requesting({ "nvidia.com/gpu": "1" }, "init")],
      containers: [requesting({ "nvidia.com/gpu": "1", "example.com/foo": "2", cpu: "1" })],
    });
    assert.deepStrictEqual(addExtendedResourceTolerations(pod), ["example.com/foo", "nvidia.com/gpu"]);
    assert.deepStrictEqual(pod.spec.tolerations, [toleration("example.com/foo"), toleration("nvidia.com/gpu")]);
  });

  it("adds nothing for native resources, huge pages, or limits without requests", () => {
    const spec = {
      containers: [
        requesting({ cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi", "hugepages-2Mi": "2Mi" }),
        { name: "limited", resources: { limits: { "nvidia.com/gpu": "1" } } },
      ],
    };
    const pod = podOf(spec);
    assert.deepStrictEqual(addExtendedResourceTolerations(pod), []);
    assert.strictEqual(pod.spec.tolerations, undefined);
  });

  it("keeps the Pod's own identical toleration, and adds its own next to any other", () => {
    const own = [
      { key: "example.com/foo", operator: "Exists", effect: "NoSchedule" },
      { key: "nvidia.com/gpu", operator: "Exists" },
      { key: "example.com/bar", operator: "Equal", value: "x", effect: "NoSchedule" },
      { key: "example.com/baz", operator: "Exists", effect: "NoExecute" },
      { key: "other.example.com/x", operator: "Exists", effect: "NoSchedule" },
    ];
    const pod = podOf({
      tolerations: [...own],
      containers: [
        requesting({ "example.com/foo": "1", "nvidia.com/gpu": "1", "example.com/bar": "1", "example.com/baz": "1" }),
      ],
    });
    // MatchToleration compares the effect: an Exists toleration without one is another toleration.
    assert.deepStrictEqual(addExtendedResourceTolerations(pod), [
      "example.com/bar",
      "example.com/baz",
      "nvidia.com/gpu",
    ]);
    assert.deepStrictEqual(pod.spec.tolerations, [
      ...own,
      toleration("example.com/bar"),
      toleration("example.com/baz"),
      toleration("nvidia.com/gpu"),
    ]);
  });
});
