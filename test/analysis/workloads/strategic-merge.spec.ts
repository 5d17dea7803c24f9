import * as assert from "node:assert";
import { strategicMerge } from "../../../policies/lib/analysis/workloads/derive/strategic-merge";

/**
 * A strategic merge patch as k8s.io/apimachinery/pkg/util/strategicpatch applies it to Pod and JobSet fields:
 * maps merge key by key, a null value deletes the key, lists with a patchMergeKey (k8s.io/api/core/v1/types.go:
 * containers, volumes, env by name; volumeMounts by mountPath) merge item by item and append new items, other lists
 * (args, command, tolerations) and scalars are replaced, and an absent patch leaves the original as it is.
 */
describe("workload simulation: strategic merge patch (k8s.io/apimachinery strategicpatch)", () => {
  it("merges maps key by key, the patch winning, and deletes a key the patch sets to null", () => {
    assert.deepStrictEqual(
      strategicMerge(
        { nodeSelector: { a: "1", b: "2" }, hostIPC: true },
        { nodeSelector: { b: "3", c: "4" }, hostIPC: null },
      ),
      { nodeSelector: { a: "1", b: "3", c: "4" } },
    );
  });

  it("leaves the original as it is for an absent patch, and does not share its objects", () => {
    const base = { containers: [{ name: "a" }] };
    const merged = strategicMerge(base, undefined) as typeof base;
    assert.deepStrictEqual(merged, base);
    merged.containers[0].name = "changed";
    assert.strictEqual(base.containers[0].name, "a");
    assert.deepStrictEqual(strategicMerge({ a: 1, b: 2 }, { a: undefined }), { a: 1, b: 2 });
  });

  it("merges containers by name: the named one merged in place, a new one appended, the others untouched", () => {
    const merged = strategicMerge(
      {
        containers: [
          { name: "a", image: "a:1" },
          { name: "b", image: "b:1", args: ["x"] },
        ],
      },
      {
        containers: [
          { name: "b", image: "b:2" },
          { name: "c", image: "c:1" },
        ],
      },
    );
    assert.deepStrictEqual(merged, {
      containers: [
        { name: "a", image: "a:1" },
        { name: "b", image: "b:2", args: ["x"] },
        { name: "c", image: "c:1" },
      ],
    });
  });

  it("merges env by name and volumeMounts by mountPath inside a merged container", () => {
    const merged = strategicMerge(
      {
        containers: [
          {
            name: "node",
            env: [
              { name: "A", value: "1" },
              { name: "B", value: "1" },
            ],
            volumeMounts: [{ name: "x", mountPath: "/data" }],
          },
        ],
      },
      {
        containers: [
          {
            name: "node",
            env: [{ name: "B", value: "2" }],
            volumeMounts: [
              { name: "y", mountPath: "/data" },
              { name: "z", mountPath: "/cache" },
            ],
          },
        ],
      },
    );
    assert.deepStrictEqual(merged, {
      containers: [
        {
          name: "node",
          env: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
          ],
          volumeMounts: [
            { name: "y", mountPath: "/data" },
            { name: "z", mountPath: "/cache" },
          ],
        },
      ],
    });
  });

  it("replaces lists without a merge key (args, tolerations) and scalars", () => {
    assert.deepStrictEqual(
      strategicMerge(
        { args: ["a", "b"], tolerations: [{ key: "x" }], schedulerName: "default-scheduler" },
        { args: ["c"], tolerations: [{ key: "y" }], schedulerName: "other" },
      ),
      { args: ["c"], tolerations: [{ key: "y" }], schedulerName: "other" },
    );
  });
});
