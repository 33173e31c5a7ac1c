/** A path segment as the page means it: percent-decoded once; a malformed escape is kept as typed rather than failing. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
