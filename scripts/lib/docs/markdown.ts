/** Markdown helpers for the generated docs. */

/** Text that may sit in a table cell: pipes escaped, line breaks as spaces. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** A GitHub-flavoured Markdown table; cells are taken as they are (escape them first). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
