import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { governanceLabels, type StackLabels } from "../labels";
import { NAME_LIMITS, physicalName } from "../naming";

export interface NetworkArgs {
  project: string;
  region: string;
  /** Prefix of physical names. */
  prefix: string;
  labels: StackLabels;
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
  /**
   * A range reserved for Google-managed services (Cloud SQL private IP), peered through private
   * services access.
   * @default none
   */
  privateServicesCidr?: string;
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
  /** The private services access peering, when a range is given; depend on it before Cloud SQL. */
  public readonly privateServicesAccess?: gcp.servicenetworking.Connection;

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
      childOptions(this, opts),
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
        logConfig:
          (args.flowLogs ?? true)
            ? { aggregationInterval: "INTERVAL_10_MIN", flowSampling: sampling, metadata: "INCLUDE_ALL_METADATA" }
            : undefined,
      },
      childOptions(this, opts),
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
        childOptions(this, opts),
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
        childOptions(this, opts),
      );
    }
    if (args.privateServicesCidr) {
      const [address, prefixLength] = args.privateServicesCidr.split("/");
      const range = new gcp.compute.GlobalAddress(
        `${name}-psa-range`,
        {
          project: args.project,
          name: physicalName([args.prefix, "google-services"], NAME_LIMITS.compute),
          purpose: "VPC_PEERING",
          addressType: "INTERNAL",
          address,
          prefixLength: Number(prefixLength),
          network: this.network.id,
          labels: governanceLabels(args.labels, "network"),
        },
        childOptions(this, opts),
      );
      this.privateServicesAccess = new gcp.servicenetworking.Connection(
        `${name}-psa`,
        {
          network: this.network.id,
          service: "servicenetworking.googleapis.com",
          reservedPeeringRanges: [range.name],
          // Removing the peering fails while Cloud SQL instances linger after deletion; leave it.
          deletionPolicy: "ABANDON",
        },
        childOptions(this, opts),
      );
    }
    this.networkId = this.network.id;
    this.subnetworkId = this.subnetwork.id;
    this.registerOutputs({ networkId: this.networkId, subnetworkId: this.subnetworkId });
  }
}
