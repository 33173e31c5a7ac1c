/**
 * What a catch does with a failure it did not expect, without flooding the log from a path that runs
 * once per process, fd or namespace, and the errno codes a walk of a moving system expects.
 */
import { errorFields, logger } from "./logger";

/** A process, thread, fd or namespace file that went away between being listed and being read. */
export const GONE: readonly string[] = ["ENOENT", "ESRCH"];
/** Not ours to read (another user's process without the privilege): the privilege check reports it once, not per item. */
export const NOT_PERMITTED: readonly string[] = ["EACCES", "EPERM"];
/** What reading /proc meets during a walk: both of the above are normal events. */
export const WALK_EXPECTED: readonly string[] = [...GONE, ...NOT_PERMITTED];

/** The errno code of a Node system error ("ENOENT"), or undefined for anything else. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null || !("code" in err)) return undefined;
  return typeof err.code === "string" ? err.code : undefined;
}

export function hasErrnoCode(err: unknown, codes: readonly string[]): boolean {
  const code = errnoCode(err);
  return code !== undefined && codes.includes(code);
}

/** One warn line per site and kind of failure per this long; the rest at debug, counted in the next warn line. */
const WARN_EVERY_MS = 60_000;
const lastWarned = new Map<string, { at: number; heldBack: number }>();

/**
 * An unexpected failure on a path that runs per item: logged at warn (with `site` and `context`) at
 * most once a minute for each site and error code or name, at debug in between. The caller then goes
 * on as for an expected failure: one unreadable item must not stop the pass.
 */
export function logUnexpected(site: string, err: unknown, context: Record<string, unknown> = {}, now: number = Date.now()): void {
  const fields = errorFields(err);
  const key = `${site}\u0000${fields.code ?? fields.name}`;
  const last = lastWarned.get(key);
  if (last !== undefined && now - last.at < WARN_EVERY_MS) {
    last.heldBack++;
    logger().debug({ site, ...context, err: fields }, `${site}: unexpected failure`);
    return;
  }
  lastWarned.set(key, { at: now, heldBack: 0 });
  const heldBack = last?.heldBack ?? 0;
  logger().warn({ site, ...context, err: fields, ...(heldBack > 0 ? { heldBack } : {}) }, `${site}: unexpected failure`);
}

/**
 * A failure that a schedule meets again and again (the store down, every scan failing): logged at
 * warn when it starts or its message changes, at debug while it repeats, and at info once the work
 * succeeds again.
 */
export class RecurringFailure {
  private current: string | undefined;

  constructor(private readonly what: string) {}

  get isFailing(): boolean {
    return this.current !== undefined;
  }

  failed(err: unknown, context: Record<string, unknown> = {}): void {
    const fields = errorFields(err);
    const key = `${fields.name}: ${fields.message}`;
    if (key === this.current) logger().debug({ ...context, err: fields }, `${this.what} failed again`);
    else logger().warn({ ...context, err: fields }, `${this.what} failed`);
    this.current = key;
  }

  succeeded(context: Record<string, unknown> = {}): void {
    if (this.current === undefined) return;
    this.current = undefined;
    logger().info(context, `${this.what} works again`);
  }
}
