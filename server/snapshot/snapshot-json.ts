/**
 * A snapshot as JSON bytes (UTF-8, no indentation): byte for byte what JSON.stringify gives, made faster.
 * V8 builds a JSON text one byte per character until it meets a character that does not fit in one (the
 * engines' status messages hold an em dash), and from there the whole text is two bytes per character:
 * encoding the ~3.5 MB of 1,000 namespaces to UTF-8 then takes ~10 ms instead of ~3.5. Serialised and
 * encoded one top-level member at a time, the namespaces stay one-byte text and only the member with the
 * dash pays (20 → 14 ms in all at 1,000 namespaces).
 */
export function snapshotJsonBytes(value: Readonly<Record<string, unknown>>): Buffer<ArrayBuffer> {
  const parts: Buffer[] = [];
  let separator = "{";
  for (const [key, member] of Object.entries(value)) {
    // undefined (and functions) are left out, as JSON.stringify leaves them out of an object.
    const json: string | undefined = JSON.stringify(member);
    if (json === undefined) continue;
    parts.push(Buffer.from(`${separator}${JSON.stringify(key)}:`), Buffer.from(json));
    separator = ",";
  }
  parts.push(Buffer.from(separator === "{" ? "{}" : "}"));
  return Buffer.concat(parts);
}
