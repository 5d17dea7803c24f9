import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";

/**
 * Gateway API listener protocols: HTTP, HTTPS, TLS, TCP, UDP (gateway-api v1.6.1 ProtocolType). A
 * model's prompts, answers and IAP tokens cross the listener: only HTTPS (TLS terminated at the
 * load balancer) is allowed.
 */
export const gatewayHttpsOnly = resourcePolicy({
  name: "cnai-gateway-https-only",
  description:
    "Gateway listeners are HTTPS only: prompts, model answers and the identity tokens IAP checks must not cross the network in clear text.",
  types: [GATEWAY],
  validate: (args, report) => {
    const listeners = (at(args.props, "spec.listeners") ?? []) as Array<Record<string, unknown>>;
    listeners.forEach((listener, i) => {
      if (listener.protocol !== "HTTPS") {
        report(
          `spec.listeners[${i}] (${String(listener.name)}) is ${String(listener.protocol)} on port ${String(listener.port)}. Serve HTTPS with a certificate (tls.mode Terminate), and drop the listener.`,
        );
      } else if ((listener.tls as Record<string, unknown> | undefined)?.mode === "Passthrough") {
        report(
          `spec.listeners[${i}] (${String(listener.name)}) passes TLS through: the load balancer cannot apply IAP or Cloud Armor. Terminate TLS at the Gateway.`,
        );
      }
    });
  },
});
