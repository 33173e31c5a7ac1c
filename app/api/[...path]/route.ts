import { problemResponse } from "@/server/http/json";

export const dynamic = "force-dynamic";

/** Any /api path no route claims: a JSON problem, like every other API refusal (not the HTML 404 page). */
function notFound(): Response {
  return problemResponse(404, "No such API route", "see docs/api.md for the routes this agent serves");
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
