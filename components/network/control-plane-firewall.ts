import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { controlPlanePortsToOpen } from "../catalog/gke-control-plane";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { NAME_LIMITS, physicalName } from "../naming";

export interface ControlPlaneFirewallArgs {
  project: string;
  prefix: string;
  /** The cluster's VPC network. */
  network: pulumi.Input<string>;
  /** The cluster's control plane range (privateClusterConfig.masterIpv4CidrBlock), a /28. */
  masterCidr: string;
  /** The nodes' service account: the rule targets every node that runs as it (all the cluster's pools). */
  nodeServiceAccount: pulumi.Input<string>;
  /**
   * TCP ports the control plane must reach on nodes and Pods.
   * @default the admission webhook and aggregated API ports of the blueprint's charts beyond GKE's own 443 and 10250 (controlPlanePortsToOpen)
   */
  ports?: number[];
}

/**
 * Lets a private cluster's control plane reach the admission webhooks and aggregated APIs the
 * cluster software serves (Kueue, Trainer and JobSet, KServe, KEDA, Knative): GKE opens only 443
 * and 10250 from the control plane range (components/catalog/gke-control-plane.ts), so without this
 * rule every object those webhooks admit times out on a first `pulumi up`, and KEDA's metrics API
 * never answers. Kubernetes objects come after it (the Kubernetes provider depends on it).
 */
export class ControlPlaneFirewall extends pulumi.ComponentResource {
  public readonly firewall: gcp.compute.Firewall;
  public readonly ports: readonly number[];

  constructor(name: string, args: ControlPlaneFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:network:ControlPlaneFirewall", name, {}, opts);
    const fail = argumentError("ControlPlaneFirewall", name, this);
    const ports = args.ports ?? controlPlanePortsToOpen();
    if (ports.length === 0) fail("ports: at least one port (GKE opens 443 and 10250 itself)");
    const bad = ports.filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (bad.length)
      fail(`ports: ${bad.join(", ")} ${bad.length === 1 ? "is not a TCP port" : "are not TCP ports"} (1 to 65535)`);
    if (!/^\d{1,3}(\.\d{1,3}){3}\/28$/.test(args.masterCidr))
      fail(`masterCidr: expected the control plane's /28 (got ${args.masterCidr})`);
    this.ports = [...new Set(ports)].sort((a, b) => a - b);
    this.firewall = new gcp.compute.Firewall(
      name,
      {
        project: args.project,
        name: physicalName([args.prefix, "gke-control-plane-webhooks"], NAME_LIMITS.compute),
        network: args.network,
        description: "GKE control plane to admission webhooks and aggregated APIs on the nodes (private cluster)",
        direction: "INGRESS",
        priority: 1000,
        sourceRanges: [args.masterCidr],
        targetServiceAccounts: [args.nodeServiceAccount],
        allows: [{ protocol: "tcp", ports: this.ports.map(String) }],
      },
      childOptions(this, opts),
    );
    this.registerOutputs({ ports: this.ports });
  }
}
