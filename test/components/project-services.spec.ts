import * as assert from "node:assert";
import { ProjectServices } from "../../components/project/project-services";
import { projectNumber, serviceAgentMember } from "../../components/project/service-agents";
import { all, input, run } from "../helpers/run";

describe("ProjectServices", () => {
  it("enables each API once, sorted, and leaves it enabled on destroy by default", async () => {
    const result = await run(
      () =>
        new ProjectServices("apis", {
          project: "acme-test",
          services: ["container.googleapis.com", "compute.googleapis.com", "container.googleapis.com"],
        }),
    );
    const services = all(result, "gcp:projects/service:Service");
    assert.deepStrictEqual(
      services.map((s) => input(s, "service")),
      ["compute.googleapis.com", "container.googleapis.com"],
    );
    assert.ok(
      services.every((s) => input(s, "disableOnDestroy") === false && input(s, "disableDependentServices") === false),
    );
  });

  it("can disable the APIs on destroy, except Service Usage and Cloud Resource Manager, which every other API and IAM change goes through", async () => {
    const result = await run(
      () =>
        new ProjectServices("apis", {
          project: "acme-test",
          services: ["iam.googleapis.com", "serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com"],
          disableOnDestroy: true,
        }),
    );
    const byApi = Object.fromEntries(
      all(result, "gcp:projects/service:Service").map((s) => [input(s, "service"), input(s, "disableOnDestroy")]),
    );
    assert.deepStrictEqual(byApi, {
      "iam.googleapis.com": true,
      "serviceusage.googleapis.com": false,
      "cloudresourcemanager.googleapis.com": false,
    });
  });

  it("enables Service Usage, then Cloud Resource Manager, then every other API after both (the provider enables through one and reads through the other)", async () => {
    // terraform-provider-google resource_google_project_service.go: Create enables through Service Usage,
    // then Read calls Cloud Resource Manager projects.get ("Verify project for services still exists").
    const result = await run(
      () =>
        new ProjectServices("apis", {
          project: "acme-test",
          services: [
            "container.googleapis.com",
            "cloudresourcemanager.googleapis.com",
            "serviceusage.googleapis.com",
            "iam.googleapis.com",
          ],
        }),
    );
    const services = all(result, "gcp:projects/service:Service");
    const urnOf = (api: string) => services.find((s) => input(s, "service") === api)!.urn;
    const dependsOn = (api: string) => services.find((s) => input(s, "service") === api)!.options.dependsOn;
    assert.deepStrictEqual(dependsOn("serviceusage.googleapis.com"), []);
    assert.deepStrictEqual(dependsOn("cloudresourcemanager.googleapis.com"), [urnOf("serviceusage.googleapis.com")]);
    for (const api of ["container.googleapis.com", "iam.googleapis.com"]) {
      assert.deepStrictEqual(
        [...dependsOn(api)].sort(),
        [urnOf("cloudresourcemanager.googleapis.com"), urnOf("serviceusage.googleapis.com")].sort(),
        api,
      );
    }
  });

  it("refuses names that are not APIs", async () => {
    await assert.rejects(
      run(() => new ProjectServices("apis", { project: "acme-test", services: ["container", "iam.googleapis.com"] })),
      /ProjectServices "apis": container is not an API name; expected <api>\.googleapis\.com/,
    );
  });
});

describe("service agents", () => {
  it("forms service agent members from the project number", async () => {
    const result = await run(() => ({
      gke: serviceAgentMember(projectNumber("acme-test"), "gke"),
      bq: serviceAgentMember("123", "bigquery"),
    }));
    assert.match(
      String(result.outputs.gke),
      /^serviceAccount:service-\d{12}@container-engine-robot\.iam\.gserviceaccount\.com$/,
    );
    assert.strictEqual(result.outputs.bq, "serviceAccount:bq-123@bigquery-encryption.iam.gserviceaccount.com");
    assert.deepStrictEqual(result.invokes, ["gcp:organizations/getProject:getProject"]);
  });
});
