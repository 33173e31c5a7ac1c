/**
 * A request's route template (`/netns/[netnsId]`), the bounded label of request logs and metrics:
 * never the raw path, which a client chooses freely. Covers the dashboard's routes (app/) and the
 * node agent's; test/server/http/front/route-template.test.ts checks that every app/ route is here.
 */
const SEGMENT = "[^/]+";

const TEMPLATES: readonly string[] = [
  "/",
  "/livez",
  "/readyz",
  "/metrics",
  "/login",
  "/health",
  "/topology",
  "/netns/[netnsId]",
  "/pods/[namespace]/[name]",
  "/containers/[name]",
  "/s/[snapshotId]/[[...rest]]",
  "/cluster",
  "/n/[node]/[[...rest]]",
  "/api/v1/snapshot",
  "/api/v1/snapshots",
  "/api/v1/snapshots/import",
  "/api/v1/snapshots/[snapshotId]",
  "/api/v1/netns/[netnsId]",
  "/api/v1/pods/[namespace]/[name]",
  "/api/v1/containers/[nameOrId]",
  "/api/v1/events",
  "/api/v1/healthz",
  "/api/v1/trace",
  "/api/v1/captures",
  "/api/v1/cluster/nodes",
  "/api/v1/cluster/search",
  "/api/v1/cluster/topology",
  "/api/v1/cluster/captures",
  "/api/v1/cluster/snapshots",
  "/api/v1/cluster/snapshots/[snapshotId]",
  "/api/v1/n/[node]/snapshot",
  "/api/v1/n/[node]/netns/[netnsId]",
  "/api/v1/n/[node]/pods/[namespace]/[name]",
  "/api/v1/n/[node]/containers/[nameOrId]",
  "/api/v1/n/[node]/trace",
  "/api/v1/n/[node]/captures",
  "/api/v1/diff",
  "/api/v1/expose",
  "/api/v1/unexpose",
  "/api/v1/login",
  "/api/v1/logout",
  "/_next/static/[...asset]",
  "/icon.svg",
  "/favicon.ico",
];

function segmentPattern(segment: string): string {
  if (/^\[\[\.\.\.[^\]]+\]\]$/.test(segment)) return "(?:/.*)?";
  if (/^\[\.\.\.[^\]]+\]$/.test(segment)) return "/.+";
  if (/^\[[^\]]+\]$/.test(segment)) return `/${SEGMENT}`;
  return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
}

function toPattern(template: string): RegExp {
  const body = template === "/" ? "/" : template.split("/").slice(1).map(segmentPattern).join("");
  return new RegExp(`^${body}$`);
}

// Literal routes win over parameterised ones of the same shape (/api/v1/snapshots/import).
const PATTERNS = TEMPLATES.map((template) => ({ template, pattern: toPattern(template) })).sort(
  (a, b) => Number(a.template.includes("[")) - Number(b.template.includes("[")),
);

/** The template a decoded path matches, "/api/[...unknown]" for other API paths, else "[unknown]". */
export function routeTemplate(pathname: string): string {
  for (const { template, pattern } of PATTERNS) if (pattern.test(pathname)) return template;
  return pathname.startsWith("/api/") ? "/api/[...unknown]" : "[unknown]";
}

export const ROUTE_TEMPLATES = TEMPLATES;
