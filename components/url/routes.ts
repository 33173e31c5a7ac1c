/** Builders for every API path the browser calls. */
export const apiPaths = {
  health: () => "/api/v1/healthz",
  snapshot: () => "/api/v1/snapshot",
  netns: (id: string) => `/api/v1/netns/${encodeURIComponent(id)}`,
  pod: (namespace: string, name: string) => `/api/v1/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  container: (nameOrId: string) => `/api/v1/containers/${encodeURIComponent(nameOrId)}`,
};

/** Builders for every page link: stable across restarts (pods and containers by name, not by index). */
export const pageHrefs = {
  overview: (query?: URLSearchParams) => (query && query.size > 0 ? `/?${query.toString()}` : "/"),
  netns: (id: string, ifindex?: number) => `/netns/${encodeURIComponent(id)}${ifindex === undefined ? "" : `#if-${ifindex}`}`,
  pod: (namespace: string, name: string) => `/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  container: (name: string) => `/containers/${encodeURIComponent(name)}`,
  topology: (focus?: string) => (focus ? `/topology?focus=${encodeURIComponent(focus)}` : "/topology"),
};
