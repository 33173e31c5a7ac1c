const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Textual form of a 4- or 16-byte address (RFC 5952 for IPv6); undefined for other lengths. */
export function formatIp(bytes: Buffer): string | undefined {
  return formatIpAt(bytes, 0, bytes.length);
}

/** formatIp of buf[from, to) without copying it out first. */
export function formatIpAt(buf: Buffer, from: number, to: number): string | undefined {
  const len = to - from;
  if (len === 4) return `${buf[from]}.${buf[from + 1]}.${buf[from + 2]}.${buf[from + 3]}`;
  if (len !== 16) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(from + i));
  // Longest run (≥ 2) of zero groups becomes "::"; the first one wins a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((n) => n.toString(16)).join(":");
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** "aa:bb:cc:dd:ee:ff" for a hardware address of any length; undefined when empty. */
export function formatMac(bytes: Buffer | undefined): string | undefined {
  return bytes === undefined ? undefined : formatMacAt(bytes, 0, bytes.length);
}

export function formatMacAt(buf: Buffer, from: number, to: number): string | undefined {
  if (to <= from) return undefined;
  let out = HEX[buf[from] ?? 0] ?? "00";
  for (let i = from + 1; i < to; i++) out += `:${HEX[buf[i] ?? 0] ?? "00"}`;
  return out;
}
