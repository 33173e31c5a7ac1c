import { problemResponse } from "../json";

/** The answer of a cluster route on a dashboard that is not a hub. */
export function notAHub(): Response {
  return problemResponse(404, "Not a hub", "this dashboard is not a hub: start it with NSATLAS_AGENTS to follow node agents (docs/hub.md)");
}
