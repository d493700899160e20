/** Visible width: code points, so "é" and "→" count as one column. */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Aligned columns under upper-case headers, two spaces apart, no trailing spaces; cells
 * are single-line (line breaks become spaces). Ends with a newline.
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const lines = [headers, ...rows].map((row) =>
    headers.map((_, i) => (row[i] ?? "").replace(/[\r\n]+/g, " ")),
  );
  const widths = headers.map((_, i) => Math.max(...lines.map((cells) => width(cells[i] ?? ""))));
  return lines
    .map((cells) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - width(cell))))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
