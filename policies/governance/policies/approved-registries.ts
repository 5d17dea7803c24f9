import { resourcePolicy } from "../../lib/policy";
import { containersOf, isKubernetes, type Props } from "../../lib/resources";
import { CLOUD_RUN_TYPES, cloudRunContainers, parseImage, underPrefix } from "../lib/images";

export interface ApprovedRegistriesConfig {
  /** Registry prefixes images may come from; `*` matches within a path segment; Docker Hub short names are normalised. */
  registries: string[];
}

/**
 * Kubernetes containers of workloads and templates (runtimes are what jobs and model servers run),
 * TrainJob trainers, InferenceService models, and Cloud Run v2 services and jobs. A patch container
 * without an image keeps its template's image, which is checked there. Images inside Helm charts
 * are not in the program's inputs and are not checked here.
 */
export const approvedRegistries = resourcePolicy<ApprovedRegistriesConfig>({
  name: "cnai-approved-registries",
  description:
    "Container images come from approved registries and name an explicit tag or digest other than latest: an approved registry is scanned, " +
    "mirrored and access-controlled, and a pinned image runs the same code on every node and every restart.",
  config: {
    registries: { type: "array", items: { type: "string", minLength: 1 }, default: ["*-docker.pkg.dev/"] },
  },
  validate: (args, report, config) => {
    const found: { path: string; container: Props }[] = [];
    if (isKubernetes(args.type)) {
      for (const c of containersOf(args.type, args.props)) {
        if (c.role === "patch" && c.container.image === undefined) continue;
        found.push(c);
      }
    } else if (CLOUD_RUN_TYPES.includes(args.type)) {
      found.push(...cloudRunContainers(args.type, args.props));
    }
    for (const { path, container } of found) {
      const image = container.image;
      if (typeof image !== "string" || image.trim() === "") {
        report(`${path} has no image. Set one from an approved registry, with a tag or digest.`);
        continue;
      }
      const ref = parseImage(image);
      if (!config.registries.some((prefix) => underPrefix(ref, prefix))) {
        report(
          `${path} image ${image} (${ref.repository}) is not from an approved registry (${config.registries.join(", ")}). Push or mirror it to one, or add its registry to the policy config's registries.`,
        );
      }
      if (!ref.digest && (ref.tag === undefined || ref.tag.toLowerCase() === "latest")) {
        report(
          `${path} image ${image} ${ref.tag === undefined ? "has no tag, which means latest" : "uses the latest tag"}: it changes under running workloads. Pin a version tag or a digest (@sha256:...).`,
        );
      }
    }
  },
});
