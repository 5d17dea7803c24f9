import { GCSFUSE_SIDECAR } from "../../../../../components/catalog/controller-defaults";
import type { PodGroup, Props } from "../model";
import { parseQuantity } from "../quantity";

const RESOURCES = ["cpu", "memory", "ephemeral-storage"] as const;

/**
 * GKE's GCS FUSE webhook: a Pod annotated `gke-gcsfuse/volumes: "true"` gets the sidecar, as a native
 * sidecar (first init container, restartPolicy Always) unless `gke-gcsfuse/enable-native-sidecar`
 * is "false", with the default resources unless the `gke-gcsfuse/<resource>-request|limit`
 * annotations set them. Sources: components/catalog/controller-defaults.ts GCSFUSE_SIDECAR.
 */
export function injectGcsFuseSidecar(group: PodGroup): void {
  const annotations = group.pod.metadata.annotations;
  if (String(annotations[GCSFUSE_SIDECAR.annotation] ?? "").toLowerCase() !== "true") return;
  const spec = group.pod.spec;
  const present = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].some((c: Props) => c?.name === GCSFUSE_SIDECAR.name);
  if (present) return;
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const resource of RESOURCES) {
    const request = annotations[`${GCSFUSE_SIDECAR.annotationPrefix}${resource}-request`];
    const limit = annotations[`${GCSFUSE_SIDECAR.annotationPrefix}${resource}-limit`];
    const fallback = { request: (GCSFUSE_SIDECAR.requests as Record<string, string>)[resource], limit: (GCSFUSE_SIDECAR.limits as Record<string, string>)[resource] };
    // populateResource: no annotation → defaults; one of the two → both set to it; "0" → unset.
    let req = request;
    let lim = limit;
    if (req === undefined && lim === undefined) ({ request: req, limit: lim } = fallback);
    else if (req === undefined) req = isZero(lim) ? fallback.request : lim;
    else if (lim === undefined) lim = req;
    if (req !== undefined && !isZero(req)) requests[resource] = String(req);
    if (lim !== undefined && !isZero(lim)) limits[resource] = String(lim);
  }
  const native = String(annotations[GCSFUSE_SIDECAR.nativeSidecarAnnotation] ?? "true").toLowerCase() !== "false";
  const container: Props = {
    name: GCSFUSE_SIDECAR.name,
    securityContext: structuredClone(GCSFUSE_SIDECAR.securityContext),
    resources: { requests, limits },
    ...(native ? { restartPolicy: "Always" } : {}),
  };
  if (native) spec.initContainers = [container, ...(spec.initContainers ?? [])];
  else spec.containers = [...(spec.containers ?? []), container];
  // The sidecar's own volumes: emptyDirs (pkg/webhook/sidecar_spec.go GetSidecarContainerVolumeSpec).
  spec.volumes = [
    ...["gke-gcsfuse-tmp", "gke-gcsfuse-buffer", "gke-gcsfuse-cache"].filter((n) => !(spec.volumes ?? []).some((v: Props) => v?.name === n)).map((name) => ({ name, emptyDir: {} })),
    ...(spec.volumes ?? []),
  ];
  group.injected.push(`${GCSFUSE_SIDECAR.name} (GKE GCS FUSE webhook${native ? ", native sidecar" : ""})`);
}

const isZero = (value: unknown): boolean => value !== undefined && parseQuantity(value) === 0;
