import Ajv from "ajv";
import schema from "../../scripts/lib/plan.schema.json";

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Violations of the plan.json contract (../shared/contracts/plan.schema.json), as readable lines. */
export function planSchemaErrors(plan: unknown): string[] {
  return validate(plan) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
