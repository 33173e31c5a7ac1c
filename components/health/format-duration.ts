/** "3 d 4 h", "5 h 2 min", "12 min", "40 s": the two largest units, for uptimes. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: Array<[number, string]> = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "min"],
    [1, "s"],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, label] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n} ${label}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}
