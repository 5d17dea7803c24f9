import { at, type Props } from "../../lib/resources";

/** A container image reference, parsed (distribution/reference grammar, simplified). */
export interface ImageRef {
  /** `registry/path` with Docker Hub's implicit parts filled in (`nginx` → `docker.io/library/nginx`). */
  repository: string;
  tag?: string;
  digest?: string;
  /** repository, then `:tag` and `@digest` as given: what registry prefixes are matched against. */
  normalized: string;
}

const DOCKER_HUB_ALIASES = ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];

export function parseImage(image: string): ImageRef {
  const [nameAndTag, digest] = image.trim().split("@", 2);
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  const parts = name.split("/");
  let repository: string;
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    repository = DOCKER_HUB_ALIASES.includes(parts[0]) ? ["docker.io", ...parts.slice(1)].join("/") : name;
    if (repository.startsWith("docker.io/") && parts.length === 2) repository = `docker.io/library/${parts[1]}`;
  } else {
    repository = parts.length === 1 ? `docker.io/library/${name}` : `docker.io/${name}`;
  }
  return {
    repository,
    tag,
    digest,
    normalized: `${repository}${tag !== undefined ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`,
  };
}

/**
 * Whether an image is under a registry prefix. `*` matches within one path segment
 * (`*-docker.pkg.dev/`), and a prefix that does not end in `/` must end at a segment boundary
 * (`ghcr.io/kubeflow` matches `ghcr.io/kubeflow/x`, not `ghcr.io/kubeflowx/y`).
 */
export function underPrefix(image: ImageRef, prefix: string): boolean {
  const normalized = normalizePrefix(prefix);
  const pattern = normalized
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  const boundary = normalized.endsWith("/") ? "" : "(?:$|[/:@])";
  return new RegExp(`^${pattern}${boundary}`).test(image.normalized);
}

/** A prefix in the form images are normalised to: `pytorch/` → `docker.io/pytorch/`, `nginx` → `docker.io/library/nginx`. */
export function normalizePrefix(prefix: string): string {
  const parts = prefix.trim().split("/");
  const first = parts[0];
  if (first.includes(".") || first.includes(":") || first.includes("*") || first === "localhost") {
    const registry = DOCKER_HUB_ALIASES.includes(first) ? "docker.io" : first;
    if (registry === "docker.io" && parts.length === 2 && parts[1] !== "") return `docker.io/library/${parts[1]}`;
    return [registry, ...parts.slice(1)].join("/");
  }
  return parts.length === 1 ? `docker.io/library/${first}` : `docker.io/${parts.join("/")}`;
}

/** Containers of a Cloud Run v2 service (`template.containers`) or job (`template.template.containers`). */
export function cloudRunContainers(type: string, props: Props): { path: string; container: Props }[] {
  const path = type === "gcp:cloudrunv2/job:Job" ? "template.template.containers" : "template.containers";
  return ((at(props, path) ?? []) as Props[]).map((container, i) => ({ path: `${path}.${i}`, container }));
}

export const CLOUD_RUN_TYPES: readonly string[] = ["gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job"];
