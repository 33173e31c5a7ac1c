"use client";

import { OverviewView } from "../overview/overview-view";
import { ContainerDetailView } from "../pods/container-detail-view";
import { PodDetailView } from "../pods/pod-detail-view";
import { NetnsDetailView } from "../netns/netns-detail-view";
import { TopologyView } from "../topology/topology-view";

/**
 * The node pages of the hub (`/n/<node>/…`): the single-node dashboard's own components, inside a NodeScope (their
 * queries read `/api/v1/n/<node>/…`, their links stay under `/n/<node>/`), without what only a node's own dashboard
 * has (history, diffs, expose): the embedded components read `useNodeScope().capabilities` and hide themselves.
 * `?at=<cluster snapshot id>` shows the node as it was in that frozen cluster snapshot (no polling: it never changes).
 */

/** `/n/<node>`: the overview, as on `/`. */
export function NodeOverviewView() {
  return (
    <div data-testid="node-overview">
      <OverviewView />
    </div>
  );
}

/** `/n/<node>/netns/<id>`: the namespace page itself; its diff and expose parts hide themselves here (the node's capabilities). */
export function NodeNetnsView({ id }: { id: string }) {
  return (
    <div data-testid="node-netns">
      <NetnsDetailView id={id} />
    </div>
  );
}

/** `/n/<node>/pods/<ns>/<name>`, as on `/pods/<ns>/<name>`. */
export function NodePodView({ namespace, name }: { namespace: string; name: string }) {
  return (
    <div data-testid="node-pod">
      <PodDetailView namespace={namespace} name={name} />
    </div>
  );
}

/** `/n/<node>/containers/<name>`, as on `/containers/<name>`. */
export function NodeContainerView({ name }: { name: string }) {
  return (
    <div data-testid="node-container">
      <ContainerDetailView name={name} />
    </div>
  );
}

/** `/n/<node>/topology`, as on `/topology` (without its history bar). */
export function NodeTopologyView() {
  return (
    <div data-testid="node-topology">
      <TopologyView />
    </div>
  );
}
