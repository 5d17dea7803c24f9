import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_APIS } from "../catalog/apply-prerequisites";
import { childOptions } from "../child-options";

export interface ProjectServicesArgs {
  /** The GCP project id. */
  project: string;
  /** APIs to enable, such as `container.googleapis.com`. */
  services: readonly string[];
  /**
   * Disable the APIs when the stack is destroyed. Off: other workloads in the project may use them.
   * The bootstrap APIs (Service Usage, Cloud Resource Manager) are never disabled: every other
   * API's enablement and every project IAM change goes through them.
   * @default false
   */
  disableOnDestroy?: boolean;
}

/**
 * The Google APIs a stack needs, enabled before anything that uses them. Service Usage and Cloud
 * Resource Manager come first, and every other API after them (BOOTSTRAP_APIS): the provider
 * enables an API through Service Usage and then reads the project through Cloud Resource Manager
 * (terraform-provider-google resource_google_project_service.go, Create then Read: "Verify project
 * for services still exists", projects.get), so enabling the others in parallel with them races
 * their enablement. Both are client-based APIs: they must also be on in the deploying identity's
 * quota project before the first `pulumi up` (docs/operations.md, "Prerequisites of a new project").
 */
export class ProjectServices extends pulumi.ComponentResource {
  /** The enabled services, by API name; depend on these before using an API. */
  public readonly services: Record<string, gcp.projects.Service>;

  constructor(name: string, args: ProjectServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:project:ProjectServices", name, {}, opts);
    validateServices(name, args.services, this);
    this.services = {};
    const wanted = [...new Set(args.services)].sort();
    const bootstrap = BOOTSTRAP_APIS.filter((service) => wanted.includes(service));
    const enable = (service: string, after: pulumi.Resource[]) =>
      new gcp.projects.Service(
        `${name}-${service.split(".")[0]}`,
        {
          project: args.project,
          service,
          disableOnDestroy: BOOTSTRAP_APIS.includes(service) ? false : (args.disableOnDestroy ?? false),
          disableDependentServices: false,
        },
        childOptions(this, opts, { dependsOn: after }),
      );
    // Each bootstrap API after the ones before it, every other API after all of them.
    bootstrap.forEach((service, i) => {
      this.services[service] = enable(
        service,
        bootstrap.slice(0, i).map((b) => this.services[b]),
      );
    });
    const first = bootstrap.map((service) => this.services[service]);
    for (const service of wanted.filter((s) => !bootstrap.includes(s))) this.services[service] = enable(service, first);
    this.registerOutputs({ services: Object.keys(this.services) });
  }
}

function validateServices(name: string, services: readonly string[], resource: pulumi.Resource): void {
  const bad = services.filter((service) => !/^[a-z][a-z0-9-]*\.googleapis\.com$/.test(service));
  if (bad.length > 0) {
    throw new pulumi.ResourceError(
      `ProjectServices "${name}": ${bad.join(", ")} ${bad.length === 1 ? "is not an API name" : "are not API names"}; expected <api>.googleapis.com`,
      resource,
    );
  }
}
