import * as assert from "node:assert";
import { modelsReplicated } from "../../../policies/governance/policies/models-replicated";
import { messagesOf } from "../../helpers/policy";

const BUCKET = "gcp:storage/bucket:Bucket";
const bucket = (inputs: Record<string, unknown>, purpose = "models") => ({
  type: BUCKET,
  inputs: { labels: { purpose }, ...inputs },
});

describe("policy cnai-models-replicated", () => {
  it("passes a models bucket in a predefined dual-region, a configurable dual-region or a multi-region", async () => {
    // Cloud Storage "Bucket locations": NAM4 is a predefined dual-region; US with two data locations a configurable one.
    assert.deepStrictEqual(await messagesOf(modelsReplicated, [bucket({ location: "NAM4", rpo: "ASYNC_TURBO" })]), []);
    assert.deepStrictEqual(
      await messagesOf(modelsReplicated, [
        bucket({ location: "US", customPlacementConfig: { dataLocations: ["US-CENTRAL1", "US-EAST4"] } }),
      ]),
      [],
    );
    assert.deepStrictEqual(await messagesOf(modelsReplicated, [bucket({ location: "eu" })]), []);
  });

  it("reports a models bucket in a single region", async () => {
    const messages = await messagesOf(modelsReplicated, [bucket({ location: "us-central1" })]);
    assert.strictEqual(messages.length, 1);
    assert.match(messages[0], /the models bucket is in the single region US-CENTRAL1/);
    assert.match(messages[0], /storage\.modelsReplication\.dualRegion/);
  });

  it("ignores the other buckets", async () => {
    assert.deepStrictEqual(
      await messagesOf(modelsReplicated, [bucket({ location: "us-central1" }, "checkpoints")]),
      [],
    );
  });
});
