"use client";

import { pageHrefs } from "../url/routes";
import { LookupView } from "./lookup-view";

export function PodDetailView({ namespace, name }: { namespace: string; name: string }) {
  return (
    <LookupView
      target={{ kind: "pod", namespace, name }}
      what={{ label: "pod", name: `${namespace}/${name}` }}
      candidates={(s) =>
        s.netns.flatMap((n) => n.owners.flatMap((o) => (o.kind === "kubernetes-pod" ? [{ name: o.name, href: pageHrefs.pod(o.namespace, o.podName) }] : [])))
      }
    />
  );
}
