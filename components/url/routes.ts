/** Builders for every API path the browser calls. */
export const apiPaths = {
  health: () => "/api/v1/healthz",
};
