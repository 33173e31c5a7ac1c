/**
 * The header every write from the dashboard carries, with the value "1": a page on another site
 * cannot send it without a CORS preflight, which the agent never grants (server/http/security.ts).
 */
export const WRITE_HEADER = "x-nsatlas-request";
