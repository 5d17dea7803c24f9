import { childOptions } from "../child-options";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface ProjectServicesArgs {
  /** The GCP project id. */
  project: string;
  /** APIs to enable, such as `container.googleapis.com`. */
  services: readonly string[];
  /**
   * Disable the APIs when the stack is destroyed. Off: other workloads in the project may use them.
   * @default false
   */
  disableOnDestroy?: boolean;
}

/** The Google APIs a stack needs, enabled before anything that uses them. */
export class ProjectServices extends pulumi.ComponentResource {
  /** The enabled services, by API name; depend on these before using an API. */
  public readonly services: Record<string, gcp.projects.Service>;

  constructor(name: string, args: ProjectServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:project:ProjectServices", name, {}, opts);
    validateServices(name, args.services, this);
    this.services = {};
    for (const service of [...new Set(args.services)].sort()) {
      this.services[service] = new gcp.projects.Service(
        `${name}-${service.split(".")[0]}`,
        {
          project: args.project,
          service,
          disableOnDestroy: args.disableOnDestroy ?? false,
          disableDependentServices: false,
        },
        childOptions(this, opts),
      );
    }
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
