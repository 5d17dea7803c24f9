import * as fs from "node:fs";
import type { DiffResource, PlanDiff } from "../../policies/lib/analysis/plan-diff";
import { UsageError } from "./project-files";
import { counted, resourceLabel } from "./violation-table";

/** The base plan of `plan --against`: a plan.json of the same stack (the target branch's). */
export function readBasePlan(file: string, stack: string): { stack: string; resources: DiffResource[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`--against: ${file} does not exist or cannot be read; give the base branch's plan.json`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--against: ${file} is not JSON (${(error as Error).message}); give a plan.json of npm run plan`,
    );
  }
  const p = plan as { stack?: unknown; resources?: unknown };
  if (typeof p !== "object" || p === null || !Array.isArray(p.resources) || typeof p.stack !== "string")
    throw new UsageError(
      `--against: ${file} is not a plan.json (no "stack" and "resources"); give a plan.json of npm run plan`,
    );
  if (p.stack !== stack)
    throw new UsageError(
      `--against: ${file} is a plan of stack "${p.stack}", not "${stack}"; diff a stack against its own base`,
    );
  return { stack: p.stack, resources: p.resources as DiffResource[] };
}

/** One line for the terminal. */
export function diffSummaryLine(diff: PlanDiff): string {
  const s = diff.summary;
  return (
    `plan: against ${diff.against}: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete; ` +
    `${counted(diff.disruption.gpusDrained, "GPU")} drained, ${counted(diff.disruption.podsRestarted.length, "workload")} restarted, ` +
    `${counted(diff.errors.length, "error")}\n` +
    diff.errors.map((e) => `plan: ERROR ${e.message}\n`).join("")
  );
}

/** At most eight fields in a cell; the rest counted (plan.json lists them all). */
const shown = (fields: readonly string[]) =>
  fields
    .slice(0, 8)
    .map((f) => `\`${f}\``)
    .join(", ") + (fields.length > 8 ? ` and ${fields.length - 8} more` : "");

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** report.md's "Changes" section: what `pulumi up` would do, and what it disrupts. */
export function diffSection(diff: PlanDiff | undefined): string {
  if (!diff) return "";
  const s = diff.summary;
  const lines = [
    "## Changes against the base branch",
    "",
    `Against ${diff.against}: ${s.create} to create, ${s.update} to update, **${s.replace} to replace**, **${s.delete} to delete**, ${s.unchanged} unchanged.`,
    "",
  ];
  if (diff.errors.length) {
    lines.push(`**${counted(diff.errors.length, "error")}** (the plan fails):`, "");
    for (const e of diff.errors) lines.push(`- ERROR \`${resourceLabel(e.urn)}\`: ${cell(e.message)}`);
    lines.push("");
  }
  const d = diff.disruption;
  lines.push(
    "### Disruption",
    "",
    `- GPUs drained: **${d.gpusDrained}** (GPU pools in use replaced or deleted, at their maximum size)`,
  );
  for (const p of d.pools)
    lines.push(
      `  - node pool \`${p.pool}\` ${p.action}d${p.inUse ? "" : " (no flavor or workload selects it)"}: ` +
        `${p.nodes.idle}–${p.nodes.max} nodes × ${p.gpusPerNode} GPUs = ${p.gpus.idle}–${p.gpus.max} GPUs`,
    );
  lines.push(`- Workloads restarted: ${d.podsRestarted.length}`);
  for (const w of d.podsRestarted) lines.push(`  - \`${resourceLabel(w.urn)}\`: ${cell(w.message)}`);
  lines.push("");
  if (diff.changes.length) {
    lines.push("| action | resource | fields |", "|---|---|---|");
    for (const c of diff.changes) {
      const fields =
        c.action === "replace"
          ? `forced by ${c.replacedBy!.map((f) => `\`${f}\``).join(", ")}${c.fields.length > c.replacedBy!.length ? `; also ${c.fields.length - c.replacedBy!.length} more` : ""}`
          : shown(c.fields);
      lines.push(`| ${c.action} | \`${resourceLabel(c.urn)}\` | ${cell(fields)} |`);
    }
    lines.push("");
  } else lines.push("No changes.", "");
  return lines.join("\n");
}
