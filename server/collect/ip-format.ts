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
  // Longest run (≥ 2) of zero groups becomes "::"; the first one wins a tie. No arrays: at 1,000
  // namespaces this runs for ~10,000 addresses and routes per snapshot.
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (buf.readUInt16BE(from + 2 * i) !== 0) {
      runStart = -1;
      continue;
    }
    if (runStart === -1) runStart = i;
    if (i - runStart + 1 > bestLen) {
      bestStart = runStart;
      bestLen = i - runStart + 1;
    }
  }
  if (bestStart === -1) return groupsAt(buf, from, 0, 8);
  return `${groupsAt(buf, from, 0, bestStart)}::${groupsAt(buf, from, bestStart + bestLen, 8)}`;
}

/** Groups [first, end) of the IPv6 address at buf[from], in hex, joined by ":". */
function groupsAt(buf: Buffer, from: number, first: number, end: number): string {
  let out = "";
  for (let i = first; i < end; i++) out += (i === first ? "" : ":") + buf.readUInt16BE(from + 2 * i).toString(16);
  return out;
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
