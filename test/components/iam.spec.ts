import * as assert from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { DataBucket } from "../../components/data/data-bucket";
import { checkMembers } from "../../components/iam";
import { ArtifactRegistry } from "../../components/registry/artifact-registry";
import { KmsKey } from "../../components/security/kms-key";
import { run, STACK_LABELS } from "../helpers/run";

describe("IAM members a component grants", () => {
  it("accepts principals and outputs, refuses public members and strings that are not members", () => {
    assert.doesNotThrow(() =>
      checkMembers("X", "readers", [
        "group:a@x.com",
        "serviceAccount:b@p.iam.gserviceaccount.com",
        "principalSet://iam.googleapis.com/x",
        pulumi.output("later"),
      ]),
    );
    assert.throws(
      () => checkMembers("X", "readers", ["allUsers"]),
      /X: readers: allUsers would make the resource public; grant named principals only/,
    );
    assert.throws(
      () => checkMembers("X", "writers", ["allAuthenticatedUsers"]),
      /allAuthenticatedUsers would make the resource public/,
    );
    assert.throws(() => checkMembers("X", "owners", ["ml@x.com"]), /X: owners: "ml@x\.com" is not an IAM member/);
  });

  it("every component that grants access checks its members before creating anything", async () => {
    const common = { project: "acme-test", prefix: "cnai-test", labels: STACK_LABELS };
    await assert.rejects(
      run(() => new DataBucket("b", { ...common, location: "us-central1", purpose: "models", readers: ["allUsers"] })),
      /DataBucket "b": readers: allUsers would make the resource public/,
    );
    await assert.rejects(
      run(() => new ArtifactRegistry("ar", { ...common, location: "us-central1", readers: ["allAuthenticatedUsers"] })),
      /ArtifactRegistry "ar": readers: allAuthenticatedUsers/,
    );
    await assert.rejects(
      run(
        () =>
          new KmsKey("k", { ...common, location: "us-central1", purpose: "data", encrypterDecrypters: ["someone"] }),
      ),
      /KmsKey "k": encrypterDecrypters: "someone" is not an IAM member/,
    );
  });
});
