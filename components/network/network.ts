import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { NAME_LIMITS, physicalName } from "../naming";

export interface NetworkArgs {
  project: string;
  region: string;
  /** Prefix of physical names. */
  prefix: string;
  /** Primary range of the node subnet. */
  subnetCidr: string;
  /** Secondary ranges for Pods and Services (VPC-native cluster). */
  podsCidr: string;
  servicesCidr: string;
  /**
   * Cloud NAT for egress from private nodes, so they can pull public images.
   * @default true
   */
  nat?: boolean;
  /**
   * VPC flow logs on the subnet, sampled at `flowLogSampling`.
   * @default true
   */
  flowLogs?: boolean;
  /**
   * Fraction of flows logged.
   * @default 0.5
   */
  flowLogSampling?: number;
}

/** The secondary range names the cluster uses. */
export const PODS_RANGE_NAME = "pods";
export const SERVICES_RANGE_NAME = "services";

/**
 * A custom-mode VPC with one regional subnet for the cluster (Private Google Access on, secondary
 * ranges for Pods and Services) and, by default, a Cloud Router with Cloud NAT for private nodes.
 */
export class Network extends pulumi.ComponentResource {
  public readonly network: gcp.compute.Network;
  public readonly subnetwork: gcp.compute.Subnetwork;
  public readonly networkId: pulumi.Output<string>;
  public readonly subnetworkId: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:network:Network", name, {}, opts);
    const sampling = args.flowLogSampling ?? 0.5;
    if (!(sampling > 0 && sampling <= 1)) {
      throw new pulumi.ResourceError(`Network "${name}": flowLogSampling must be in (0, 1] (got ${sampling})`, this);
    }
    const netName = physicalName([args.prefix, "vpc"], NAME_LIMITS.compute);
    this.network = new gcp.compute.Network(
      `${name}-vpc`,
      {
        project: args.project,
        name: netName,
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
        description: "cnai-platform cluster network",
      },
      { parent: this },
    );
    this.subnetwork = new gcp.compute.Subnetwork(
      `${name}-subnet`,
      {
        project: args.project,
        region: args.region,
        name: physicalName([args.prefix, "gke", args.region], NAME_LIMITS.compute),
        network: this.network.id,
        ipCidrRange: args.subnetCidr,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: PODS_RANGE_NAME, ipCidrRange: args.podsCidr },
          { rangeName: SERVICES_RANGE_NAME, ipCidrRange: args.servicesCidr },
        ],
        logConfig: (args.flowLogs ?? true)
          ? { aggregationInterval: "INTERVAL_10_MIN", flowSampling: sampling, metadata: "INCLUDE_ALL_METADATA" }
          : undefined,
      },
      { parent: this },
    );
    if (args.nat ?? true) {
      const router = new gcp.compute.Router(
        `${name}-router`,
        {
          project: args.project,
          region: args.region,
          name: physicalName([args.prefix, "router"], NAME_LIMITS.compute),
          network: this.network.id,
        },
        { parent: this },
      );
      new gcp.compute.RouterNat(
        `${name}-nat`,
        {
          project: args.project,
          region: args.region,
          name: physicalName([args.prefix, "nat"], NAME_LIMITS.compute),
          router: router.name,
          natIpAllocateOption: "AUTO_ONLY",
          sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
          logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        { parent: this },
      );
    }
    this.networkId = this.network.id;
    this.subnetworkId = this.subnetwork.id;
    this.registerOutputs({ networkId: this.networkId, subnetworkId: this.subnetworkId });
  }
}
