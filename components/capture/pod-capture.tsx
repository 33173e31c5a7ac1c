"use client";

import { useQuery } from "@tanstack/react-query";
import { podQuery } from "../data/queries";
import { parseLiveParams } from "../url/search-params";
import { useUrlState } from "../url/use-url-state";
import { CapturePanel } from "./capture-panel";

/** A capture of every interface of a pod, in one file (the pod page, once the pod is found; not in a stored snapshot's view). */
export function PodCapture({ namespace, name }: { namespace: string; name: string }) {
  const [search] = useUrlState();
  const live = parseLiveParams(search);
  // The page's own query (same key): no request of its own.
  const pod = useQuery(podQuery(namespace, name, live));
  if (live.at !== undefined || pod.data === undefined) return null;
  return (
    <CapturePanel
      title="Packet capture"
      targets={[{ key: "pod", label: `Capture pod ${namespace}/${name}`, body: { pod: `${namespace}/${name}` } }]}
      testId="pod-capture"
    />
  );
}
