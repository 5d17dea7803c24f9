import { GCSFUSE_SIDECAR } from "../../../../../components/catalog/controller-defaults";
import type { PodGroup, Props } from "../model";
import { parseQuantity } from "../quantity";

const RESOURCES = ["cpu", "memory", "ephemeral-storage"] as const;
/** The webhook places its sidecars after Istio's (pkg/webhook/injection.go IstioSidecarName). */
const ISTIO_PROXY = "istio-proxy";
type Resources = Readonly<Record<string, string>>;

/**
 * A sidecar's resources from the Pod's annotations over the webhook's defaults
 * (pkg/webhook/config.go populateResource): no annotation → the defaults; a request alone sets the
 * limit to it and a limit alone the request (the default request when the limit is 0); "0" unsets
 * (prepareResourceList). Both kept as given, so a request above its limit reaches object validation.
 */
function sidecarResources(
  annotations: Record<string, string>,
  prefix: string,
  defaults: { requests: Resources; limits: Resources },
): { requests: Record<string, string>; limits: Record<string, string> } {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const resource of RESOURCES) {
    let req = annotations[`${prefix}${resource}-request`];
    let lim = annotations[`${prefix}${resource}-limit`];
    const fallback = { request: defaults.requests[resource], limit: defaults.limits[resource] };
    if (req === undefined && lim === undefined) ({ request: req, limit: lim } = fallback);
    else if (req === undefined) req = isZero(lim) ? fallback.request : lim;
    else if (lim === undefined) lim = req;
    if (req !== undefined && !isZero(req)) requests[resource] = String(req);
    if (lim !== undefined && !isZero(lim)) limits[resource] = String(lim);
  }
  return { requests, limits };
}

/**
 * GKE's GCS FUSE webhook: a Pod annotated `gke-gcsfuse/volumes: "true"` gets the sidecar, as a native
 * sidecar (first init container, restartPolicy Always) unless `gke-gcsfuse/enable-native-sidecar`
 * is "false", with the default resources unless the `gke-gcsfuse/<resource>-request|limit`
 * annotations set them, and seccomp Unconfined with CAP_SYS_NICE where
 * `gke-gcsfuse/enable-numa-pinning` is "true"; then the metadata prefetch sidecar right after it
 * when an inline volume of the driver asks for prefetching. Sources: components/catalog/controller-defaults.ts GCSFUSE_SIDECAR.
 */
export function injectGcsFuseSidecar(group: PodGroup): void {
  const annotations = group.pod.metadata.annotations;
  if (String(annotations[GCSFUSE_SIDECAR.annotation] ?? "").toLowerCase() !== "true") return;
  const spec = group.pod.spec;
  const present = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].some(
    (c: Props) => c.name === GCSFUSE_SIDECAR.name,
  );
  if (present) return;
  const native = String(annotations[GCSFUSE_SIDECAR.nativeSidecarAnnotation] ?? "true").toLowerCase() !== "false";
  const securityContext: Props = structuredClone(GCSFUSE_SIDECAR.securityContext);
  if (String(annotations[GCSFUSE_SIDECAR.numaPinningAnnotation] ?? "").toLowerCase() === "true") {
    securityContext.seccompProfile = { ...GCSFUSE_SIDECAR.numaPinning.seccompProfile };
    securityContext.capabilities = {
      ...securityContext.capabilities,
      add: [...GCSFUSE_SIDECAR.numaPinning.addCapabilities],
    };
  }
  const sidecar: Props = {
    name: GCSFUSE_SIDECAR.name,
    securityContext,
    resources: sidecarResources(annotations, GCSFUSE_SIDECAR.annotationPrefix, GCSFUSE_SIDECAR),
    ...(native ? { restartPolicy: "Always" } : {}),
  };
  const m = GCSFUSE_SIDECAR.metadataPrefetch;
  const prefetch = ((spec.volumes ?? []) as Props[]).some(
    (v) =>
      v.csi?.driver === m.driver && String(v.csi.volumeAttributes?.[m.volumeAttribute] ?? "").toLowerCase() === "true",
  );
  const injected: Props[] = [sidecar];
  if (prefetch) {
    injected.push({
      name: m.name,
      securityContext: structuredClone(GCSFUSE_SIDECAR.securityContext),
      resources: sidecarResources(annotations, m.annotationPrefix, m),
      ...(native ? { restartPolicy: "Always" } : {}),
    });
  }
  // Inserted right after an istio-proxy, else first: in the init containers as native sidecars, else in the
  // containers (pkg/webhook/injection.go injectSidecarContainer, containerIndexOrderMap, getInjectIndexAfterContainer).
  const list: Props[] = (native ? spec.initContainers : spec.containers) ?? [];
  const at = list.findIndex((c) => c.name === ISTIO_PROXY) + 1;
  const placed = [...list.slice(0, at), ...injected, ...list.slice(at)];
  if (native) spec.initContainers = placed;
  else spec.containers = placed;
  // The sidecar's own volumes: emptyDirs (pkg/webhook/sidecar_spec.go GetSidecarContainerVolumeSpec).
  spec.volumes = [
    ...["gke-gcsfuse-tmp", "gke-gcsfuse-buffer", "gke-gcsfuse-cache"]
      .filter((n) => !(spec.volumes ?? []).some((v: Props) => v.name === n))
      .map((name) => ({ name, emptyDir: {} })),
    ...(spec.volumes ?? []),
  ];
  group.injected.push(
    `${GCSFUSE_SIDECAR.name}${prefetch ? ` + ${m.name}` : ""} (GKE GCS FUSE webhook${native ? ", native sidecar" : ""})`,
  );
}

const isZero = (value: unknown): boolean => value !== undefined && parseQuantity(value) === 0;
