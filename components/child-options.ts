import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for a component's child: its parent, plus the component's own `dependsOn`.
 *
 * Pulumi does not pass a component's `dependsOn` on to its children: a child waits only for what
 * it names itself. Without this, a bucket in a component that depends on the Storage API being
 * enabled could be created before the API is. Every component builds its children's options here.
 */
export function childOptions(
  parent: pulumi.Resource,
  opts: pulumi.ComponentResourceOptions | undefined,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  const dependsOn = [...asList(opts?.dependsOn), ...asList(extra.dependsOn)];
  return { ...extra, parent, ...(dependsOn.length ? { dependsOn } : {}) };
}

/** A list of what was given; an Output or Promise of a list stays one entry, which the SDK flattens. */
function asList(dependsOn: pulumi.ComponentResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
  if (dependsOn === undefined) return [];
  return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
}
