/**
 * The first check of every request, before any router sees it: is the request target an origin-form
 * path whose percent-encoding (path and query) decodes to valid UTF-8 without NUL, and is it of a
 * sane length? Routers that meet such a target throw (Next.js answers 500), so it never reaches them.
 */

/** Longer targets are refused with 414 (the longest link the dashboard makes is far below this). */
export const MAX_TARGET_LENGTH = 8192;

export type TargetCheck = { ok: true; pathname: string } | { ok: false; status: 400 | 414; title: string; detail: string };

function decodes(component: string): boolean {
  try {
    return !decodeURIComponent(component).includes("\0");
  } catch {
    // URIError is the verdict itself: malformed escapes or bytes that are not UTF-8 (overlong forms included).
    return false;
  }
}

export function checkRequestTarget(rawTarget: string): TargetCheck {
  if (rawTarget.length > MAX_TARGET_LENGTH) {
    return { ok: false, status: 414, title: "Request target too long", detail: `request targets are limited to ${MAX_TARGET_LENGTH} characters` };
  }
  if (!rawTarget.startsWith("/")) {
    return { ok: false, status: 400, title: "Malformed request target", detail: "the request target must be a path starting with /" };
  }
  const queryAt = rawTarget.indexOf("?");
  const rawPath = queryAt === -1 ? rawTarget : rawTarget.slice(0, queryAt);
  if (!decodes(rawPath)) {
    return { ok: false, status: 400, title: "Malformed path", detail: "the path is not valid percent-encoded UTF-8, or it holds a NUL byte" };
  }
  const query = queryAt === -1 ? "" : rawTarget.slice(queryAt + 1);
  const parts = query === "" ? [] : query.split(/[&=]/);
  if (!parts.every((part) => decodes(part.replaceAll("+", " ")))) {
    return { ok: false, status: 400, title: "Malformed query", detail: "the query is not valid percent-encoded UTF-8, or it holds a NUL byte" };
  }
  return { ok: true, pathname: decodeURIComponent(rawPath) };
}
