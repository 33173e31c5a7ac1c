"use client";

import { PodCapture } from "../capture/pod-capture";
import { useHrefs } from "../url/at-scope";
import { LookupView } from "./lookup-view";

export function PodDetailView({ namespace, name }: { namespace: string; name: string }) {
  const hrefs = useHrefs();
  return (
    <div className="space-y-6">
      <LookupView
        target={{ kind: "pod", namespace, name }}
        what={{ label: "pod", name: `${namespace}/${name}` }}
        candidates={(s) =>
          s.netns.flatMap((n) => n.owners.flatMap((o) => (o.kind === "kubernetes-pod" ? [{ name: o.name, href: hrefs.pod(o.namespace, o.podName) }] : [])))
        }
      />
      <PodCapture namespace={namespace} name={name} />
    </div>
  );
}
