import type { NetnsContent } from "../collect/decode-reading";
import type { RawLink } from "../collect/rtnl-decode";

/** Where an interface's IFLA_LINK points, once its namespace is known. */
export interface LinkTarget {
  netnsId: string;
  ifindex: number;
}

/** An IFLA_LINK_NETNSID that only the namespace itself can translate: "which namespace is your id `nsid`?" */
export interface NsidQuestion {
  /** The namespace that numbered it. */
  netnsId: string;
  nsid: number;
  /** Namespaces that could be meant (they hold an interface that points back); usually one. */
  candidates: string[];
}

/** Links whose IFLA_LINK names an interface elsewhere (veth peers, macvlan parents). */
function pointsElsewhere(link: RawLink): link is RawLink & { linkIfindex: number } {
  if (link.linkIfindex === undefined || link.linkIfindex === 0) return false;
  // Pointing at its own ifindex is "itself" only within one namespace: across namespaces, every
  // container's eth0 and its peer are often both ifindex 2.
  const isOtherNamespace = link.linkNetnsid !== undefined && link.linkNetnsid >= 0;
  return isOtherNamespace || link.linkIfindex !== link.ifindex;
}

/** A namespace's links by ifindex (a loop, not a callback made per call: it runs for every namespace on every scan). */
function linksByIfindex(links: RawLink[]): Map<number, RawLink> {
  const byIfindex = new Map<number, RawLink>();
  for (const l of links) byIfindex.set(l.ifindex, l);
  return byIfindex;
}

/**
 * Resolves each namespace's local nsids to namespaces without asking N×N questions:
 * - each namespace's id for the host (`hostNsidHere`, one RTM_GETNSID on its own socket) marks the
 *   links that lead into the host;
 * - such a link names a host interface by ifindex, unique in the host; that host interface's
 *   IFLA_LINK_NETNSID is then the host's id for this namespace. So the host's whole table follows
 *   from what was read, with no question asked from the host's side;
 * - what is left (veths between two non-host namespaces) becomes a question for that namespace
 *   about the few candidates that point back at it.
 * Returns the translation for every namespace, and the questions still open.
 */
export function translateNsids(contents: NetnsContent[], hostNetnsId: string): { known: Map<string, Map<number, string>>; questions: NsidQuestion[] } {
  let hostLinks = new Map<number, RawLink>();
  for (const c of contents) {
    if (c.id !== hostNetnsId) continue;
    hostLinks = linksByIfindex(c.links);
    break;
  }
  const hostIds = new Map<number, string>();
  for (const c of contents) {
    if (c.id === hostNetnsId || c.hostNsidHere < 0) continue;
    for (const l of c.links) {
      if (l.linkNetnsid !== c.hostNsidHere || l.linkIfindex === undefined) continue;
      const hostEnd = hostLinks.get(l.linkIfindex);
      if (hostEnd?.linkNetnsid !== undefined && hostEnd.linkNetnsid >= 0 && hostEnd.linkIfindex === l.ifindex) hostIds.set(hostEnd.linkNetnsid, c.id);
    }
  }

  // (netnsId, ifindex) → links elsewhere that point at it, to find candidates for open questions.
  const pointingAt = new Map<string, string[]>();
  for (const c of contents) {
    for (const l of c.links) {
      if (!pointsElsewhere(l)) continue;
      const key = `${l.linkIfindex}>${l.ifindex}`;
      const list = pointingAt.get(key);
      if (list === undefined) pointingAt.set(key, [c.id]);
      else list.push(c.id);
    }
  }

  const known = new Map<string, Map<number, string>>();
  const open = new Map<string, NsidQuestion>();
  for (const c of contents) {
    const table = new Map<number, string>();
    known.set(c.id, table);
    if (c.id === hostNetnsId) {
      for (const [nsid, id] of hostIds) table.set(nsid, id);
      continue;
    }
    if (c.hostNsidHere >= 0) table.set(c.hostNsidHere, hostNetnsId);
    for (const l of c.links) {
      if (!pointsElsewhere(l) || l.linkNetnsid === undefined || l.linkNetnsid < 0 || table.has(l.linkNetnsid)) continue;
      const key = `${c.id}:${l.linkNetnsid}`;
      // Candidates: namespaces with an interface at our link's ifindex that points back at our ifindex.
      const back = (pointingAt.get(`${l.ifindex}>${l.linkIfindex}`) ?? []).filter((id) => id !== c.id);
      const q = open.get(key);
      if (q === undefined) open.set(key, { netnsId: c.id, nsid: l.linkNetnsid, candidates: [...new Set(back)] });
      else q.candidates = [...new Set([...q.candidates, ...back])];
    }
  }
  return { known, questions: [...open.values()] };
}

/** Records the answers to the open questions: `answers` maps (netnsId) → (candidate → its nsid there). */
export function applyAnswers(known: Map<string, Map<number, string>>, answers: Map<string, Map<string, number>>): void {
  for (const [netnsId, byCandidate] of answers) {
    const table = known.get(netnsId);
    if (table === undefined) continue;
    for (const [candidate, nsid] of byCandidate) if (nsid >= 0 && !table.has(nsid)) table.set(nsid, candidate);
  }
}

export interface Wiring {
  /** veth → its other end. */
  peer?: LinkTarget;
  isPeerMissing?: boolean;
  /** macvlan/macvtap → the device it sits on; vxlan → its underlay device. */
  parent?: LinkTarget;
}

const PARENTED_KINDS = new Set(["macvlan", "macvtap", "ipvlan", "ipvtap"]);

/**
 * Wires every interface to its peer or parent, by (namespace, ifindex) both ways: a veth's peer
 * must exist in the namespace its nsid resolves to and be a veth, or the veth is flagged as
 * missing its peer (never dropped, never matched by ifindex alone).
 */
export function wireInterfaces(contents: NetnsContent[], known: Map<string, Map<number, string>>): Map<string, Map<number, Wiring>> {
  const byNetns = new Map<string, Map<number, RawLink>>();
  for (const c of contents) byNetns.set(c.id, linksByIfindex(c.links));
  const out = new Map<string, Map<number, Wiring>>();
  for (const c of contents) {
    const wiring = new Map<number, Wiring>();
    out.set(c.id, wiring);
    for (const l of c.links) {
      const w: Wiring = {};
      if (l.kind === "vxlan" && l.vxlan?.underlayIfindex) w.parent = { netnsId: c.id, ifindex: l.vxlan.underlayIfindex };
      if (pointsElsewhere(l)) {
        const targetNetns = l.linkNetnsid === undefined || l.linkNetnsid < 0 ? c.id : known.get(c.id)?.get(l.linkNetnsid);
        const target = targetNetns === undefined ? undefined : byNetns.get(targetNetns)?.get(l.linkIfindex);
        if (l.kind === "veth") {
          // Both ends must name each other: by ifindex, and by namespace wherever the far end's nsid resolves.
          const farNsid = target?.linkNetnsid;
          const farSeesUs = farNsid === undefined || farNsid < 0 ? targetNetns === c.id : (known.get(targetNetns ?? "")?.get(farNsid) ?? c.id) === c.id;
          const pointsBack = target !== undefined && target.kind === "veth" && target.linkIfindex === l.ifindex && farSeesUs;
          if (pointsBack && targetNetns !== undefined) w.peer = { netnsId: targetNetns, ifindex: l.linkIfindex };
          else w.isPeerMissing = true;
        } else if (PARENTED_KINDS.has(l.kind) && targetNetns !== undefined && target !== undefined) {
          w.parent = { netnsId: targetNetns, ifindex: l.linkIfindex };
        }
      }
      if (w.peer || w.parent || w.isPeerMissing) wiring.set(l.ifindex, w);
    }
  }
  return out;
}
