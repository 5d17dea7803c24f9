import * as assert from "assert";
import { ProjectServices } from "../../components/project/project-services";
import { projectNumber, serviceAgentMember } from "../../components/project/service-agents";
import { all, input, run } from "../helpers/run";

describe("ProjectServices", () => {
  it("enables each API once, sorted, and leaves it enabled on destroy by default", async () => {
    const result = await run(() => new ProjectServices("apis", { project: "acme-test", services: ["container.googleapis.com", "compute.googleapis.com", "container.googleapis.com"] }));
    const services = all(result, "gcp:projects/service:Service");
    assert.deepStrictEqual(services.map((s) => input(s, "service")), ["compute.googleapis.com", "container.googleapis.com"]);
    assert.ok(services.every((s) => input(s, "disableOnDestroy") === false && input(s, "disableDependentServices") === false));
  });

  it("can disable the APIs on destroy", async () => {
    const result = await run(() => new ProjectServices("apis", { project: "acme-test", services: ["iam.googleapis.com"], disableOnDestroy: true }));
    assert.strictEqual(input(all(result, "gcp:projects/service:Service")[0], "disableOnDestroy"), true);
  });

  it("refuses names that are not APIs", async () => {
    await assert.rejects(run(() => new ProjectServices("apis", { project: "acme-test", services: ["container", "iam.googleapis.com"] })), /ProjectServices "apis": container is not an API name; expected <api>\.googleapis\.com/);
  });
});

describe("service agents", () => {
  it("forms service agent members from the project number", async () => {
    const result = await run(() => ({
      gke: serviceAgentMember(projectNumber("acme-test"), "gke"),
      bq: serviceAgentMember("123", "bigquery"),
    }));
    assert.match(String(result.outputs.gke), /^serviceAccount:service-\d{12}@container-engine-robot\.iam\.gserviceaccount\.com$/);
    assert.strictEqual(result.outputs.bq, "serviceAccount:bq-123@bigquery-encryption.iam.gserviceaccount.com");
    assert.deepStrictEqual(result.invokes, ["gcp:organizations/getProject:getProject"]);
  });
});
