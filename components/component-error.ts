import * as pulumi from "@pulumi/pulumi";

/**
 * A thrower for a component's argument checks: `Kind "name": <message>`, as a ResourceError (the
 * Pulumi CLI prints it without a stack trace; `plan` exits 2 with it).
 */
export function argumentError(kind: string, name: string, resource?: pulumi.Resource): (message: string) => never {
  return (message: string): never => {
    throw new pulumi.ResourceError(`${kind} "${name}": ${message}`, resource);
  };
}
