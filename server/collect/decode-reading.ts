import { RTM } from "./netlink-constants";
import { splitMessages } from "./netlink-parser";
import type { ReadResult } from "./netns-reader";
import { decodeAddress, decodeLink, decodeNsid, decodeRoute, type RawAddress, type RawLink, type RawRoute } from "./rtnl-decode";

/** What one namespace holds, as read over rtnetlink. */
export interface NetnsContent {
  id: string;
  links: RawLink[];
  addresses: RawAddress[];
  routes: RawRoute[];
  /** This namespace's id for the host namespace (-1: none assigned). */
  hostNsidHere: number;
  isGone: boolean;
  errors: string[];
}

/** errnos meaning "the namespace (or its holder) disappeared before we read it". */
const GONE_ERRNOS = new Set([2 /* ENOENT */, 3 /* ESRCH */]);

function empty(id: string, isGone: boolean, errors: string[]): NetnsContent {
  return { id, links: [], addresses: [], routes: [], hostNsidHere: -1, isGone, errors };
}

/** Turns the worker's raw answers for one namespace into records; a failure becomes an error, not an empty list. */
export function decodeReading(result: ReadResult): NetnsContent {
  if (!result.ok) {
    const isGone = result.stage === "open" && GONE_ERRNOS.has(result.errno);
    return empty(result.id, isGone, isGone ? [] : [`${result.stage} failed with errno ${result.errno}`]);
  }
  const where = `netns ${result.id}`;
  const content = empty(result.id, false, []);
  const [linkAnswer, addrAnswer, routeAnswer] = result.answers;
  try {
    for (const m of splitMessages(linkAnswer, `${where} links`)) if (m.type === RTM.NEWLINK) content.links.push(decodeLink(m, `${where} link`));
  } catch (err) {
    content.errors.push(String(err instanceof Error ? err.message : err));
  }
  try {
    for (const m of splitMessages(addrAnswer, `${where} addresses`)) {
      if (m.type !== RTM.NEWADDR) continue;
      const a = decodeAddress(m, `${where} address`);
      if (a !== undefined) content.addresses.push(a);
    }
  } catch (err) {
    content.errors.push(String(err instanceof Error ? err.message : err));
  }
  try {
    for (const m of splitMessages(routeAnswer, `${where} routes`)) {
      if (m.type !== RTM.NEWROUTE) continue;
      const r = decodeRoute(m, `${where} route`);
      if (r !== undefined) content.routes.push(r);
    }
  } catch (err) {
    content.errors.push(String(err instanceof Error ? err.message : err));
  }
  content.hostNsidHere = nsidOf(result.hostIdHere, `${where} nsid of host`, content.errors);
  return content;
}

function nsidOf(answer: Buffer, where: string, errors: string[]): number {
  try {
    const [msg] = splitMessages(answer, where);
    return msg === undefined ? -1 : decodeNsid(msg, where);
  } catch (err) {
    errors.push(String(err instanceof Error ? err.message : err));
    return -1;
  }
}
