import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { assertApiRules } from "../catalog/gcp-api-rules";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { NAME_LIMITS, physicalName } from "../naming";

export interface ProxyOnlySubnetArgs {
  project: string;
  region: string;
  prefix: string;
  network: pulumi.Input<string>;
  /** The subnet's range; a /26 at least (Google advises /23). */
  cidr: string;
}

/**
 * The proxy-only subnet of a region and VPC: the Envoy proxies of regional Application Load
 * Balancers (GKE's gke-l7-rilb and gke-l7-regional-external-managed Gateways) take their addresses
 * from it, and backends see requests coming from it. One ACTIVE subnet with purpose
 * REGIONAL_MANAGED_PROXY serves both internal and external regional load balancers of the region
 * (Load Balancing, "Proxy-only subnets for Envoy-based load balancers"; GKE, "Deploying Gateways":
 * regional Gateways need one). Such a subnet takes no secondary ranges, flow logs or Private Google Access.
 */
export class ProxyOnlySubnet extends pulumi.ComponentResource {
  public readonly subnetwork: gcp.compute.Subnetwork;
  public readonly cidr: string;

  constructor(name: string, args: ProxyOnlySubnetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:network:ProxyOnlySubnet", name, {}, opts);
    const fail = argumentError("ProxyOnlySubnet", name, this);
    const bits = Number(args.cidr.split("/")[1]);
    if (!(bits >= 8 && bits <= 26)) fail(`cidr ${args.cidr}: a proxy-only subnet needs a /26 or larger range`);
    this.cidr = args.cidr;
    const subnetArgs: gcp.compute.SubnetworkArgs = {
      project: args.project,
      region: args.region,
      name: physicalName([args.prefix, "proxy-only", args.region], NAME_LIMITS.compute),
      network: args.network,
      ipCidrRange: args.cidr,
      purpose: "REGIONAL_MANAGED_PROXY",
      role: "ACTIVE",
      description: "Proxy-only subnet for regional Application Load Balancers (GKE Gateways)",
    };
    assertApiRules("gcp:compute/subnetwork:Subnetwork", subnetArgs as unknown as Record<string, unknown>, fail);
    this.subnetwork = new gcp.compute.Subnetwork(`${name}-subnet`, subnetArgs, childOptions(this, opts));
    this.registerOutputs({ subnetwork: this.subnetwork.id, cidr: this.cidr });
  }
}
