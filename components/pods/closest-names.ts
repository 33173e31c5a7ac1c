/** Edit distance (Levenshtein), for "did you mean" on a link to something that no longer exists. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** Up to `max` candidates close to `target` (a restarted pod keeps its name's stem; e.g. web-7d9f-x → web-7d9f-y). */
export function closestNames(target: string, candidates: string[], max = 3): string[] {
  const limit = Math.max(3, Math.floor(target.length / 2));
  return [...new Set(candidates)]
    .map((c) => ({ c, d: distance(target, c) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}
