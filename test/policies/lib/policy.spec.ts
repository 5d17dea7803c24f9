import * as assert from "node:assert";
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy } from "../../../policies/lib/policy";

/**
 * The CrossGuard protocol (@pulumi/policy policy.ts ResourceValidationArgs): notApplicable(reason) throws,
 * and the server reports the policy as not applicable to the resource with that reason.
 */
describe("policies/lib/policy: exemptions", () => {
  it("declares an exempted resource not applicable, with the exemption's reason, before validating", () => {
    let validated = false;
    const policy = resourcePolicy({
      name: "test-exempt",
      description: "d",
      validate: () => {
        validated = true;
      },
    });
    const validate = policy.validateResource as (args: ResourceValidationArgs, report: ReportViolation) => void;
    const reasons: (string | undefined)[] = [];
    const args = (urn: string) =>
      ({
        urn,
        type: "gcp:storage/bucket:Bucket",
        props: {},
        getConfig: () => ({ exemptions: [{ urn: "urn:a", reason: "imported bucket, reviewed in Q3" }] }),
        notApplicable: (reason?: string) => {
          reasons.push(reason);
          throw new Error("not applicable");
        },
      }) as unknown as ResourceValidationArgs;
    assert.throws(() => validate(args("urn:a"), () => {}), /not applicable/);
    assert.deepStrictEqual([reasons, validated], [["exempted: imported bucket, reviewed in Q3"], false]);
    validate(args("urn:b"), () => {});
    assert.deepStrictEqual([reasons.length, validated], [1, true]);
  });
});
