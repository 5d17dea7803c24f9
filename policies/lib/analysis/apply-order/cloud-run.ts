import {
  AR_REPOSITORY,
  BUCKET,
  BUCKET_OBJECT,
  CLOUD_RUN_SERVICE,
  STORAGE_READER_ROLES,
} from "../../../../components/catalog/apply-prerequisites";
import { type CheckContext, grantedMembers, mayGrantTo, shortName } from "./context";
import { known, type PlanNode, read } from "./graph";

/**
 * Cloud Run services (APPLY_ORDER_RULES "cloud-run-volume-access", "cloud-run-volume-content",
 * "cloud-run-image-repository"). Pure: no Pulumi runtime import.
 */
export function checkCloudRun(ctx: CheckContext): void {
  for (const node of ctx.graph.ofType(CLOUD_RUN_SERVICE)) {
    checkVolumes(ctx, node);
    checkImages(ctx, node);
  }
}

function checkVolumes(ctx: CheckContext, node: PlanNode): void {
  const serviceAccount = known(read(node.props, "template.serviceAccount"));
  const forIdentity = (g: PlanNode) =>
    serviceAccount === undefined || mayGrantTo(g, (m) => m === `serviceAccount:${serviceAccount}`);
  const volumes = read(node.props, "template.volumes");
  const bucketUrns = ctx.dependenciesOf(node, "template", BUCKET);
  const startsAtDeploy = read(node.props, "template.healthCheckDisabled") !== true;
  for (const volume of Array.isArray(volumes) ? volumes : []) {
    if (read(volume, "gcs") === undefined) continue;
    const bucket = known(read(volume, "gcs.bucket"));
    // The plan's bucket: by name, or (name unknown until it exists) the bucket the template's value came from.
    const planBuckets = ctx.graph
      .ofType(BUCKET)
      .filter((b) => (bucket !== undefined ? known(read(b.props, "name")) === bucket : bucketUrns.includes(b.urn)));
    const onBucket = (g: PlanNode) =>
      (bucket !== undefined && known(read(g.props, "bucket")) === bucket) ||
      (g.propertyDependencies.bucket ?? []).some((u) => planBuckets.some((b) => b.urn === u));
    const grants = [
      ...ctx.nodes.filter((g) => g.type.startsWith("gcp:storage/bucketIAM") && onBucket(g) && forIdentity(g)),
      ...ctx
        .ofTypes(["gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding"])
        .filter(
          (g) =>
            STORAGE_READER_ROLES.includes(String(read(g.props, "role"))) &&
            serviceAccount !== undefined &&
            grantedMembers(g).includes(`serviceAccount:${serviceAccount}`),
        ),
    ];
    const label = bucket ?? (planBuckets[0] ? shortName(planBuckets[0].urn) : "(from the plan)");
    if (grants.length === 0 && planBuckets.length > 0) {
      ctx.report(
        "cloud-run-volume-access",
        node,
        `${shortName(node.urn)} mounts bucket ${label}, which the plan does not let its identity ${serviceAccount ?? "(from the plan)"} read.`,
        "Grant the service identity roles/storage.objectViewer on the bucket, and make the service depend on the grant",
      );
    } else if (grants.length && !ctx.before(node, grants)) {
      ctx.report(
        "cloud-run-volume-access",
        node,
        `${shortName(node.urn)} mounts bucket ${label} but is not created after its grant to the service identity (${shortName(grants[0].urn)}).`,
        "Make the service depend on the bucket's IAM grant (dependsOn the bucket's component)",
      );
    }
    // A bucket the plan creates holds only the objects the plan writes into it before the service.
    if (startsAtDeploy && planBuckets.length > 0) {
      const objects = ctx.graph.ofType(BUCKET_OBJECT).filter((o) => onBucket(o) && ctx.graph.isBefore(o.urn, node.urn));
      if (objects.length === 0) {
        ctx.report(
          "cloud-run-volume-content",
          node,
          `${shortName(node.urn)} starts its revision at deploy (template.healthCheckDisabled is not true) and reads bucket ${label}, which the plan creates empty: on a first \`pulumi up\` the revision never becomes ready and the create fails.`,
          "Set template.healthCheckDisabled (instances still wait on their startup probe), or write the objects in the plan before the service",
        );
      }
    }
  }
}

/** Images from a repository of the plan: the repository first. */
function checkImages(ctx: CheckContext, node: PlanNode): void {
  const containers = read(node.props, "template.containers");
  for (const container of Array.isArray(containers) ? containers : []) {
    const image = known(read(container, "image"));
    if (!image) continue;
    const repository = ctx.graph.ofType(AR_REPOSITORY).find((r) => {
      const id = known(read(r.props, "repositoryId"));
      const location = known(read(r.props, "location"));
      const repoProject = known(read(r.props, "project"));
      return id && location && repoProject && image.startsWith(`${location}-docker.pkg.dev/${repoProject}/${id}/`);
    });
    if (repository && !ctx.graph.isBefore(repository.urn, node.urn)) {
      ctx.report(
        "cloud-run-image-repository",
        node,
        `${shortName(node.urn)} runs ${image} from repository ${shortName(repository.urn)}, which is not created before it.`,
        "Make the service depend on the repository",
      );
    }
  }
}
