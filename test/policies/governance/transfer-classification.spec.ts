import * as assert from "node:assert";
import { transferClassification } from "../../../policies/governance/policies/transfer-classification";
import { messagesOf, urnOf } from "../../helpers/policy";

describe("policy cnai-transfer-classification", () => {
  const bucket = (name: string, classification: string) => ({
    type: "gcp:storage/bucket:Bucket",
    name,
    inputs: { name, labels: { "data-classification": classification } },
  });
  const transfer = (name: string, source: string, sink: string, description = "t") => ({
    type: "gcp:storage/transferJob:TransferJob",
    name,
    inputs: { description, transferSpec: { gcsDataSource: { bucketName: source }, gcsDataSink: { bucketName: sink } } },
  });

  it("passes internal data from another stack into an internal bucket, and ingest from S3", async () => {
    const s3 = {
      type: "gcp:storage/transferJob:TransferJob",
      name: "s3",
      inputs: { transferSpec: { awsS3DataSource: { bucketName: "x" }, gcsDataSink: { bucketName: "curated" } } },
    };
    assert.deepStrictEqual(
      await messagesOf(transferClassification, [
        bucket("curated", "internal"),
        transfer("p", "staging-curated", "curated", "promote [data-classification=internal]"),
        s3,
      ]),
      [],
    );
  });

  it("reports data above the allowance, a sink classified below the data, and an undeclared source", async () => {
    const messages = await messagesOf(transferClassification, [
      bucket("curated", "internal"),
      transfer("p", "prod-curated", "curated", "promote [data-classification=confidential]"),
      transfer("q", "elsewhere", "curated"),
    ]);
    assert.deepStrictEqual(messages, [
      "Transfer from gs://prod-curated moves confidential data into an environment that allows public, internal. Stop the transfer, or exempt this job's URN in the stack's policy config with the named exemption and its reason.",
      "Transfer from gs://prod-curated writes confidential data into gs://curated, classified internal. Raise the sink bucket's classification to confidential or more.",
      "Transfer from gs://elsewhere does not say how the data is classified. Declare it in the job's description as [data-classification=<public|internal|confidential|restricted>] (transfers config: source classification).",
    ]);
  });

  it("takes a source bucket's own label over the declaration, and exempts a job by URN with a reason", async () => {
    const resources = [
      bucket("curated", "confidential"),
      bucket("restricted-src", "restricted"),
      transfer("p", "restricted-src", "curated", "[data-classification=public]"),
    ];
    const messages = await messagesOf(transferClassification, resources, {
      allowedClassifications: ["public", "internal", "confidential"],
    });
    assert.strictEqual(messages.length, 2);
    assert.match(messages[0], /moves restricted data/);
    const exempt = await messagesOf(transferClassification, resources, {
      allowedClassifications: ["public", "internal", "confidential", "restricted"],
      exemptions: [{ urn: urnOf("gcp:storage/transferJob:TransferJob", "p"), reason: "eval-parity: audited copy" }],
    });
    assert.deepStrictEqual(exempt, []);
  });

  it("treats a declared classification outside the taxonomy as undeclared, and a source bucket of the stack by its label", async () => {
    assert.deepStrictEqual(
      await messagesOf(transferClassification, [
        transfer("q", "elsewhere", "curated", "sync [data-classification=secret]"),
      ]),
      [
        "Transfer from gs://elsewhere does not say how the data is classified. Declare it in the job's description as [data-classification=<public|internal|confidential|restricted>] (transfers config: source classification).",
      ],
    );
    // The source bucket's own label wins over the description.
    const [message] = await messagesOf(transferClassification, [
      bucket("raw", "restricted"),
      transfer("r", "raw", "out", "copy [data-classification=internal]"),
    ]);
    assert.match(
      message,
      /^Transfer from gs:\/\/raw moves restricted data into an environment that allows public, internal\./,
    );
  });
});
