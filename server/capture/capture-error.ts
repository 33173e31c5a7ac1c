/** A capture refused or failed, with words for the person who asked and the HTTP status it maps to. */
export class CaptureError extends Error {
  override readonly name = "CaptureError";

  constructor(
    readonly status: 400 | 403 | 404 | 409 | 429 | 503,
    readonly title: string,
    message: string,
    /** For 429: when a slot frees up, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
