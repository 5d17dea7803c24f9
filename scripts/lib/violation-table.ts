import type { PolicyViolation } from "./plan-document";
import { causeOf } from "./policy-engine";

/** "1 policy violation", "2 policy violations". */
export const counted = (n: number, singular: string, plural = `${singular}s`): string =>
  `${n} ${n === 1 ? singular : plural}`;

/** A resource as a reader tells it apart: the kind (the type's last segment) and the name; "(stack)" for the stack. */
export function resourceLabel(urn: string | null): string {
  if (!urn) return "(stack)";
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type.slice(type.lastIndexOf(":") + 1)} ${parts[3] ?? urn}`;
}

export interface TableOptions {
  /** Messages whole instead of cut to fit the terminal. */
  readonly verbose?: boolean;
  /** Where the whole messages are (report.md), named under a cut table. */
  readonly fullMessagesIn?: string;
}

const MESSAGE_WIDTH = 140;

/**
 * The violations as a plain-text table for the terminal: level, policy, resource (kind and name;
 * names repeat across types), and the policy's message (without its description, which CrossGuard
 * puts first): cut to fit unless verbose, with a pointer to where the whole messages are.
 */
export function violationTable(violations: readonly PolicyViolation[], options: TableOptions = {}): string {
  if (!violations.length) return "policy: no violations\n";
  const rows = violations.map((v) => [
    v.enforcementLevel,
    v.policy.replace(/^cnai-/, ""),
    resourceLabel(v.urn),
    causeOf(v).replace(/\s+/g, " "),
  ]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i].length), ["level", "policy", "resource"][i].length),
  );
  let cut = false;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        if (i < 3) return c.padEnd(widths[i]);
        if (options.verbose || c.length <= MESSAGE_WIDTH) return c;
        cut = true;
        return `${c.slice(0, MESSAGE_WIDTH - 3)}...`;
      })
      .join("  ");
  const table = [line(["level", "policy", "resource", "message"]), ...rows.map(line)].join("\n");
  const pointer = cut
    ? `\npolicy: messages cut to fit; whole messages ${options.fullMessagesIn ? `in ${options.fullMessagesIn}, or ` : ""}with --verbose`
    : "";
  // Verbose: the rest of each CrossGuard message, the description it starts with, once per policy.
  const why = options.verbose
    ? [...new Map(violations.filter((v) => v.description).map((v) => [v.policy, v.description!]))]
        .map(([policy, description]) => `\n${policy}: ${description}`)
        .join("")
    : "";
  return `${table}${pointer}${why}\n`;
}
