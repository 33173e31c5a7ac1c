/**
 * `npm run bench:hub` (tsx test/bench/bench-hub.ts): the hub at scale, over the simulated cluster (test/cluster/,
 * prefix nscb): NODES nodes × PODS pods with their real agents, and the real dashboard in hub mode in the cluster's hub
 * netns (test/integration/helpers/hub-dashboard.ts) following dns:<the Service>:7471. Measured in the same run:
 *   - the hub's resident memory with 0 agents (the Service's DNS answering nothing) and with NODES followed: per node;
 *   - time from the hub's start to every node `up` (HUB_STARTS starts);
 *   - the hub's CPU while idle, with 0 and with NODES nodes followed;
 *   - search through the gateway (a mix: pod names, IPs, MACs, interface names, no match) against /livez through the same
 *     gateway (the floor), the hub's own request durations from its log, and the agents' request counters (no round trip);
 *   - the pure search in this process over the same overviews, and over them replicated to 1,000 nodes (ms per 10,000
 *     entries; heap per node);
 *   - a pod added on a random node → found by the hub's search (CHANGES samples);
 *   - the Service name looked up from the hub netns with NODES and with 1,000 addresses.
 * Everything is torn down after, also on failure. Knobs: NSATLAS_BENCH_HUB_NODES, _PODS, _SEARCHES, _CHANGES, _STARTS,
 * _CPU_MS, _CPU_WINDOWS.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { clusterNodesSchema, clusterSearchSchema, hubHealthSchema, type ClusterNodes } from "../../server/contract/cluster";
import { snapshotOverviewSchema } from "../../server/contract/snapshot";
import { buildNodeIndex, searchIndexes, type NodeIndex } from "../../server/hub/search-index";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import { setServiceAddresses } from "../cluster/hub";
import { dashboardBuildIsCurrent, startHubDashboard, type HubDashboard } from "../integration/helpers/hub-dashboard";
import { envInt } from "./bench-env";
import { fmt, machineLoad, percentile, pick, requestsServed, seededRandom, sleep, spread, spreadText, treeCpuMs, treeRss, type Spread } from "./hub-measure";

const PREFIX = "nscb";
const TOKEN = "bench-hub-token-0123456789abcdef";
const NODES = envInt("NSATLAS_BENCH_HUB_NODES", 20);
const PODS = envInt("NSATLAS_BENCH_HUB_PODS", 50);
const SEARCHES = envInt("NSATLAS_BENCH_HUB_SEARCHES", 500);
const CHANGES = envInt("NSATLAS_BENCH_HUB_CHANGES", 24);
const HUB_STARTS = envInt("NSATLAS_BENCH_HUB_STARTS", 2);
const CPU_MS = envInt("NSATLAS_BENCH_HUB_CPU_MS", 20_000);
const CPU_WINDOWS = envInt("NSATLAS_BENCH_HUB_CPU_WINDOWS", 3);
const RSS_SAMPLES = 10;
const SCALE_TO = 1000;
const MiB = 1024 * 1024;

const random = seededRandom(18_6);
const loads: number[] = [];
const noteLoad = () => loads.push(machineLoad().load1);

async function nodesOf(hub: HubDashboard): Promise<ClusterNodes> {
  return clusterNodesSchema.parse(await hub.json("/api/v1/cluster/nodes"));
}

/** Waits until `count` nodes are up; the time since `since`. */
async function allUp(hub: HubDashboard, count: number, since: number, timeoutMs = 180_000): Promise<number> {
  for (;;) {
    const list = await nodesOf(hub);
    if (list.nodes.filter((n) => n.state === "up").length >= count) return Date.now() - since;
    if (Date.now() - since > timeoutMs)
      throw new Error(`not all ${count} nodes up within ${timeoutMs} ms: ${list.nodes.map((n) => `${n.name}=${n.state}`).join(" ")}`);
    await sleep(100);
  }
}

/** The same requests to every hub measured (so both have loaded the same routes) before its memory is read. */
async function warm(hub: HubDashboard): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await hub.json("/api/v1/cluster/nodes");
    await hub.json(`/api/v1/cluster/search?q=${encodeURIComponent(["pod-1", "10.244.", "veth1", "nothing-here"][i % 4] ?? "x")}`);
  }
  await hub.json("/api/v1/healthz");
  await hub.get("/metrics");
}

/** Resident memory of the hub (its process tree) after a settle, RSS_SAMPLES readings a second apart. */
async function rssSamples(hub: HubDashboard): Promise<number[]> {
  await sleep(5000);
  const xs: number[] = [];
  for (let i = 0; i < RSS_SAMPLES; i++) {
    xs.push(treeRss(hub.pid));
    await sleep(1000);
  }
  return xs;
}

/** The hub's CPU while nobody asks it anything, as % of one core, per window. */
async function idleCpu(hub: HubDashboard, windows: number): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < windows; i++) {
    const before = treeCpuMs(hub.pid);
    await sleep(CPU_MS);
    xs.push(((treeCpuMs(hub.pid) - before) / CPU_MS) * 100);
    noteLoad();
  }
  return xs;
}

/** Every agent's requests served (but /metrics), summed, read through the gateway. */
async function agentRequests(cluster: Cluster): Promise<{ total: number; byRoute: Map<string, number> }> {
  const byRoute = new Map<string, number>();
  let total = 0;
  for (const node of cluster.manifest.nodes) {
    const res = await cluster.hub.get(`${cluster.agentUrl(node.name)}/metrics`);
    if (res.status !== 200) throw new Error(`/metrics of ${node.name}: ${res.status}`);
    const served = requestsServed(res.body);
    total += served.total;
    for (const [route, n] of served.byRoute) byRoute.set(route, (byRoute.get(route) ?? 0) + n);
  }
  return { total, byRoute };
}

interface Query {
  kind: "pod name" | "IP" | "MAC" | "interface" | "no match";
  q: string;
  /** At least one result expected. */
  hits: boolean;
}

function queryMix(cluster: Cluster): Query[] {
  const nodes = cluster.manifest.nodes;
  const queries: Query[] = [];
  for (let i = 0; i < 40; i++) {
    const node = pick(nodes, random);
    const pod = pick(node.pods, random);
    queries.push({ kind: "pod name", q: pod.name, hits: true });
    queries.push({ kind: "IP", q: pod.eth0.cidr?.split("/")[0] ?? "", hits: true });
    queries.push({ kind: "MAC", q: pod.eth0.mac, hits: true });
    queries.push({ kind: "interface", q: i % 4 === 0 ? "vxlan0" : pod.hostVeth.name, hits: true });
    queries.push({ kind: "no match", q: i % 2 === 0 ? `no-such-pod-${i}` : `10.99.${i}.7`, hits: false });
  }
  return queries;
}

/** The hub's own durations (its request log) of the search requests logged after `from` characters of output. */
function loggedSearchMs(hub: HubDashboard, from: number): number[] {
  const xs: number[] = [];
  for (const line of hub.output().slice(from).split("\n")) {
    if (!line.includes('"/api/v1/cluster/search"')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === "object" && parsed !== null && "durationMs" in parsed && typeof parsed.durationMs === "number") xs.push(parsed.durationMs);
    } catch {
      // not a log line
    }
  }
  return xs;
}

interface SearchRun {
  viaGateway: Spread;
  byKind: Map<string, Spread>;
  floor: Spread;
  hubLogged: Spread;
  wrong: string[];
  partial: number;
  agentRequestsMoved: number;
  agentRoutesMoved: string;
  eventsDuring: number;
}

async function searchBurst(cluster: Cluster, hub: HubDashboard): Promise<SearchRun> {
  const queries = queryMix(cluster);
  const floorMs: number[] = [];
  for (let i = 0; i < 50; i++) await hub.get("/livez", { auth: false }); // warm the gateway path
  for (let i = 0; i < SEARCHES; i++) {
    const t = performance.now();
    await hub.get("/livez", { auth: false });
    floorMs.push(performance.now() - t);
  }
  const eventsBefore = hubHealthSchema.parse(await hub.json("/api/v1/healthz")).hub.eventsReceived;
  const before = await agentRequests(cluster);
  const logFrom = hub.output().length;
  const all: number[] = [];
  const byKind = new Map<string, number[]>();
  const wrong: string[] = [];
  let partial = 0;
  for (let i = 0; i < SEARCHES; i++) {
    const query = queries[i % queries.length] ?? { kind: "no match", q: "x", hits: false };
    const t = performance.now();
    const res = await hub.get(`/api/v1/cluster/search?q=${encodeURIComponent(query.q)}`);
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`search ${query.q}: ${res.status} ${res.body.slice(0, 300)}`);
    const answer = clusterSearchSchema.parse(JSON.parse(res.body));
    if (answer.partial) partial++;
    if (answer.results.length > 0 !== query.hits) wrong.push(`${query.q} (${answer.results.length} results)`);
    all.push(ms);
    byKind.set(query.kind, [...(byKind.get(query.kind) ?? []), ms]);
  }
  const after = await agentRequests(cluster);
  const eventsAfter = hubHealthSchema.parse(await hub.json("/api/v1/healthz")).hub.eventsReceived;
  const moved = [...after.byRoute]
    .filter(([route, n]) => n !== (before.byRoute.get(route) ?? 0))
    .map(([route, n]) => `${route} +${n - (before.byRoute.get(route) ?? 0)}`);
  await sleep(500); // the last log lines
  return {
    viaGateway: spread(all),
    byKind: new Map([...byKind].map(([k, xs]) => [k, spread(xs)])),
    floor: spread(floorMs),
    hubLogged: spread(loggedSearchMs(hub, logFrom)),
    wrong: [...new Set(wrong)],
    partial,
    agentRequestsMoved: after.total - before.total,
    agentRoutesMoved: moved.join(", ") || "none",
    eventsDuring: eventsAfter - eventsBefore,
  };
}

interface PureSearch {
  entries: number;
  perQueryMs: number;
  msPer10k: number;
  scaledEntries: number;
  scaledPerQueryMs: number;
  scaledMsPer10k: number;
  heapPerNodeKiB: number;
  overviewBytesPerNode: number;
}

function gc(): void {
  v8.setFlagsFromString("--expose-gc");
  const run: unknown = vm.runInNewContext("gc");
  if (typeof run === "function") run();
}

/** The hub's search function itself, in this process, over the agents' own overviews, then replicated to SCALE_TO nodes. */
async function pureSearch(cluster: Cluster, queries: string[]): Promise<PureSearch> {
  const texts: Array<{ node: string; text: string }> = [];
  for (const node of cluster.manifest.nodes) {
    const res = await cluster.hub.get(`${cluster.agentUrl(node.name)}/api/v1/snapshot?view=overview`, { timeoutMs: 30_000 });
    if (res.status !== 200) throw new Error(`the overview of ${node.name}: ${res.status}`);
    texts.push({ node: node.name, text: res.body });
  }
  const time = (indexes: NodeIndex[]): number => {
    for (const q of queries.slice(0, 20)) searchIndexes(indexes, q);
    const rounds = 5;
    const t = performance.now();
    for (let r = 0; r < rounds; r++) for (const q of queries) searchIndexes(indexes, q);
    return (performance.now() - t) / (rounds * queries.length);
  };
  const build = (copies: number): NodeIndex[] => {
    const out: NodeIndex[] = [];
    for (let c = 0; c < copies; c++) {
      for (const { node, text } of texts) {
        const name = c === 0 ? node : `${node}-r${c}`;
        out.push(buildNodeIndex(name, snapshotOverviewSchema.parse(JSON.parse(text))));
      }
    }
    return out;
  };
  const own = build(1);
  const entries = own.reduce((a, i) => a + i.entries.length, 0);
  const perQueryMs = time(own);
  const copies = Math.max(1, Math.round(SCALE_TO / texts.length));
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const scaled = build(copies);
  gc();
  const heapPerNodeKiB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / scaled.length;
  const scaledEntries = scaled.reduce((a, i) => a + i.entries.length, 0);
  const scaledPerQueryMs = time(scaled);
  return {
    entries,
    perQueryMs,
    msPer10k: (perQueryMs / entries) * 10_000,
    scaledEntries,
    scaledPerQueryMs,
    scaledMsPer10k: (scaledPerQueryMs / scaledEntries) * 10_000,
    heapPerNodeKiB,
    overviewBytesPerNode: texts.reduce((a, t) => a + t.text.length, 0) / texts.length,
  };
}

/** A pod added on a random node → the hub's search finds it there; ms from addPod's return (and from its call). */
async function changeToSearch(cluster: Cluster, hub: HubDashboard): Promise<{ fromReturn: number[]; fromCall: number[]; addMs: number[] }> {
  const names = cluster.manifest.nodes.map((n) => n.name);
  const fromReturn: number[] = [];
  const fromCall: number[] = [];
  const addMs: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const node = pick(names, random);
    const pod = `bench-add-${i}`;
    const t0 = Date.now();
    await cluster.addPod(node, pod, { kind: i % 2 === 0 ? "ip-netns" : "process" });
    const t1 = Date.now();
    for (;;) {
      const answer = clusterSearchSchema.parse(await hub.json(`/api/v1/cluster/search?q=${pod}`));
      if (answer.results.some((r) => r.node === node && (r.match === pod || r.match.startsWith(`${pod} `)))) break;
      if (Date.now() - t1 > 30_000) throw new Error(`${pod} on ${node}: not in the hub's search within 30 s`);
      await sleep(25);
    }
    const seen = Date.now();
    fromReturn.push(seen - t1);
    fromCall.push(seen - t0);
    addMs.push(t1 - t0);
    noteLoad();
    await sleep(300 + random() * 700);
  }
  return { fromReturn, fromCall, addMs };
}

/** dns.lookup of the Service name from the hub netns (through the gateway), `count` times: ms each, and how many addresses. */
async function lookups(cluster: Cluster, count: number): Promise<{ ms: number[]; addresses: number; error?: string }> {
  const ms: number[] = [];
  let addresses = 0;
  let error: string | undefined;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const answer = await cluster.hub.lookup(cluster.manifest.serviceName);
    ms.push(performance.now() - t);
    if ("addresses" in answer) addresses = answer.addresses.length;
    else error = answer.error;
  }
  return { ms, addresses, error };
}

const mib = (bytes: number): string => fmt(bytes / MiB, 1);
const row = (label: string, figure: string): void => console.log(`${label.padEnd(44)} ${figure}`);

async function main(): Promise<void> {
  if (!dashboardBuildIsCurrent())
    console.warn("bench:hub: the .next build is older than the sources (or missing): the hub measured is that build (not rebuilt here)");
  const started = Date.now();
  noteLoad();
  await clusterDown(PREFIX);
  let cluster: Cluster | undefined;
  const hubs: HubDashboard[] = [];
  const startHub = async (): Promise<HubDashboard> => {
    const hub = await startHubDashboard(cluster as Cluster, { NSATLAS_AGENTS: `dns:${(cluster as Cluster).manifest.serviceName}:7471` }, 180_000);
    hubs.push(hub);
    return hub;
  };
  try {
    const t = Date.now();
    cluster = await clusterUp({ prefix: PREFIX, nodes: NODES, podsPerNode: PODS, agents: true, token: TOKEN, verbose: true });
    const clusterUpMs = Date.now() - t;
    const agentsRss = cluster.agentsRss();
    noteLoad();
    const nodeNames = cluster.manifest.nodes.map((n) => n.name);

    // 1. The idle baseline: a hub whose Service answers no address.
    cluster.setServiceNodes([]);
    await sleep(500);
    const hub0 = await startHub();
    await warm(hub0);
    const rss0 = await rssSamples(hub0);
    const cpu0 = await idleCpu(hub0, 1);
    const nodes0 = await nodesOf(hub0);
    await hub0.stop();
    if (nodes0.nodes.length !== 0) throw new Error(`the idle hub follows ${nodes0.nodes.length} nodes`);

    // 2. Every node: start → all up, HUB_STARTS times (the last one stays).
    cluster.setServiceNodes(nodeNames);
    const lookedUp = await lookups(cluster, 1);
    if (lookedUp.addresses !== NODES) throw new Error(`the Service answers ${lookedUp.addresses} addresses, not ${NODES}`);
    const startToReady: number[] = [];
    const startToAllUp: number[] = [];
    let hub: HubDashboard | undefined;
    for (let s = 0; s < HUB_STARTS; s++) {
      if (hub !== undefined) await hub.stop();
      noteLoad();
      const t0 = Date.now();
      hub = await startHub();
      startToReady.push(Date.now() - t0);
      startToAllUp.push(await allUp(hub, NODES, t0));
    }
    if (hub === undefined) throw new Error("no hub started");
    await warm(hub);
    const rssN = await rssSamples(hub);
    const cpuN = await idleCpu(hub, CPU_WINDOWS);
    const health = hubHealthSchema.parse(await hub.json("/api/v1/healthz"));

    // 3. Search from the cache, and proof that no agent was asked.
    const search = await searchBurst(cluster, hub);
    noteLoad();
    const pure = await pureSearch(
      cluster,
      queryMix(cluster).map((q) => q.q),
    );

    // 4. Change → visible in search.
    const change = await changeToSearch(cluster, hub);

    // 5. DNS re-resolution: the Service looked up with NODES addresses, then with 1,000 (the hub stopped first).
    const dnsN = await lookups(cluster, 20);
    await hub.stop();
    setServiceAddresses(
      cluster.config,
      cluster.manifest.hub.dnsmasq.pid,
      Array.from({ length: SCALE_TO }, (_, i) => `10.251.${Math.floor(i / 250)}.${(i % 250) + 1}`),
    );
    await sleep(500);
    const dns1000 = await lookups(cluster, 20);

    // The report.
    const rss0Med = percentile(rss0, 50);
    const rssNMed = percentile(rssN, 50);
    const perNode = (rssNMed - rss0Med) / NODES;
    const perNodeLow = (Math.min(...rssN) - Math.max(...rss0)) / NODES;
    const perNodeHigh = (Math.max(...rssN) - Math.min(...rss0)) / NODES;
    const namespaces = cluster.manifest.nodes.reduce((a, n) => a + n.pods.length + 1, 0) - CHANGES;
    const cpuNS = spread(cpuN);
    const changeS = spread(change.fromReturn);
    const { cores } = machineLoad();
    const ok = (met: boolean) => (met ? "met" : "NOT MET");

    console.log(
      `\nbench:hub — ${NODES} nodes × ${PODS} pods (${namespaces} namespaces, ${pure.entries} index entries), real agents, the real hub in the hub netns; ${cores} cores, load average ${fmt(Math.min(...loads))}-${fmt(Math.max(...loads))}`,
    );
    row(`  cluster up (agents ready)`, `${fmt(clusterUpMs / 1000)} s; agents' RSS ${fmt(agentsRss.totalKiB / 1024, 0)} MiB in all`);
    row("  what", "figure");
    row(`  hub RSS, 0 agents (idle baseline)`, `median ${mib(rss0Med)} MiB (${mib(Math.min(...rss0))}-${mib(Math.max(...rss0))}, ${RSS_SAMPLES} samples)`);
    row(`  hub RSS, ${NODES} nodes followed`, `median ${mib(rssNMed)} MiB (${mib(Math.min(...rssN))}-${mib(Math.max(...rssN))})`);
    row(`  RSS per node above the baseline`, `${mib(perNode)} MiB (spread ${mib(perNodeLow)}-${mib(perNodeHigh)}); target ≤ 5 MB: ${ok(perNode <= 5e6)}`);
    row(
      `    heap per node (pure, in-process)`,
      `${fmt(pure.heapPerNodeKiB, 0)} KiB per node for the overview + index (${fmt(pure.overviewBytesPerNode / 1024, 0)} KiB of JSON each)`,
    );
    row(`  start → ready (/readyz)`, `${startToReady.map((x) => `${fmt(x / 1000)} s`).join(", ")}`);
    row(`  start → all ${NODES} nodes up`, `${startToAllUp.map((x) => `${fmt(x / 1000)} s`).join(", ")}`);
    row(`  hub CPU idle, 0 agents`, `${cpu0.map((x) => `${fmt(x, 2)}%`).join(", ")} of one core (${CPU_MS / 1000} s window)`);
    row(
      `  hub CPU idle, ${NODES} nodes`,
      `${cpuN.map((x) => `${fmt(x, 2)}%`).join(", ")} of one core (median ${fmt(cpuNS.p50, 2)}%, ${CPU_WINDOWS} × ${CPU_MS / 1000} s)`,
    );
    row(`  search through the gateway`, `${spreadText(search.viaGateway)}; target p95 from the cache (no agent asked)`);
    for (const [kind, s] of search.byKind) row(`    ${kind.padEnd(34)}`, `${spreadText(s)}`);
    row(`    floor: /livez, same gateway`, `${spreadText(search.floor)}`);
    row(`    the hub's own time (its log)`, `${spreadText(search.hubLogged)}`);
    row(
      `    agents' requests during the burst`,
      `${search.agentRequestsMoved} (${search.agentRoutesMoved}); events received ${search.eventsDuring}; partial answers ${search.partial}; wrong ${search.wrong.length}${search.wrong.length > 0 ? ` e.g. ${search.wrong.slice(0, 3).join("; ")}` : ""}`,
    );
    row(`  pure search, ${pure.entries} entries`, `${fmt(pure.perQueryMs, 3)} ms a query = ${fmt(pure.msPer10k, 3)} ms per 10,000 entries`);
    row(
      `  pure search, ${pure.scaledEntries} entries (${SCALE_TO} nodes)`,
      `${fmt(pure.scaledPerQueryMs, 2)} ms a query = ${fmt(pure.scaledMsPer10k, 3)} ms per 10,000 entries`,
    );
    row(`  pod added → in hub search`, `${spreadText(changeS)} from addPod's return; target p95 ≤ 3 s: ${ok(changeS.p95 <= 3000)}`);
    row(`    from addPod's call`, `${spreadText(spread(change.fromCall))}; addPod itself ${spreadText(spread(change.addMs))}`);
    row(`  Service lookup, ${NODES} addresses`, `${spreadText(spread(dnsN.ms))}${dnsN.error === undefined ? "" : ` error ${dnsN.error}`}`);
    row(
      `  Service lookup, ${SCALE_TO} addresses`,
      `${spreadText(spread(dns1000.ms))}; ${dns1000.addresses} addresses${dns1000.error === undefined ? "" : ` error ${dns1000.error}`}`,
    );
    row(`  hub health`, `${JSON.stringify(health.hub.nodes)}, events ${health.hub.eventsReceived}`);
    row(`  whole run`, `${fmt((Date.now() - started) / 1000, 0)} s`);
  } finally {
    for (const h of hubs) await h.stop().catch(() => undefined);
    await clusterDown(PREFIX);
  }
}

await main();
