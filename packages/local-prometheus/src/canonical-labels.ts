/**
 * A label set as one comparable string, `name{a="x",b="y"}` with label names sorted and values quoted
 * as JSON strings; `{a="x"}` when there is no `__name__`. Two label sets are equal iff their strings are.
 */
export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels)
    .filter((k) => k !== "__name__")
    .sort();
  const pairs = names.map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${labels.__name__ ?? ""}{${pairs.join(",")}}`;
}
