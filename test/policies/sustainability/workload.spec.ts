import * as assert from "node:assert";
import { isShiftable } from "../../../policies/sustainability/lib/workload";

describe("sustainability: whether work is shiftable", () => {
  it("follows a valid shiftable label, else the workload type (training and data shift, inference does not)", () => {
    const cases: [Record<string, string> | undefined, string, boolean][] = [
      [{ shiftable: "true", "workload-type": "inference" }, "", true],
      [{ shiftable: "false", "workload-type": "training" }, "", false],
      [{ shiftable: "maybe", "workload-type": "data" }, "", true],
      [{ "workload-type": "training" }, "", true],
      [{ "workload-type": "inference" }, "", false],
      [{}, "", false],
      [undefined, "", false],
      [{ "cnai.dev/shiftable": "true" }, "cnai.dev/", true],
      [{ "cnai.dev/workload-type": "training", shiftable: "false" }, "cnai.dev/", true],
    ];
    for (const [labels, prefix, expected] of cases)
      assert.strictEqual(isShiftable(labels, prefix), expected, `${JSON.stringify(labels)} ${prefix}`);
  });
});
