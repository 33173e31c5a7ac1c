"use client";

import { useHrefs } from "../url/at-scope";
import { LookupView } from "./lookup-view";

export function PodDetailView({ namespace, name }: { namespace: string; name: string }) {
  const hrefs = useHrefs();
  return (
    <LookupView
      target={{ kind: "pod", namespace, name }}
      what={{ label: "pod", name: `${namespace}/${name}` }}
      candidates={(s) =>
        s.netns.flatMap((n) => n.owners.flatMap((o) => (o.kind === "kubernetes-pod" ? [{ name: o.name, href: hrefs.pod(o.namespace, o.podName) }] : [])))
      }
    />
  );
}
