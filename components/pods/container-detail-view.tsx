"use client";

import { pageHrefs } from "../url/routes";
import { LookupView } from "./lookup-view";

export function ContainerDetailView({ name }: { name: string }) {
  return (
    <LookupView
      target={{ kind: "container", name }}
      what={{ label: "container", name }}
      candidates={(s) =>
        s.netns.flatMap((n) =>
          n.owners.flatMap((o) =>
            o.kind === "docker-container"
              ? [{ name: o.name, href: pageHrefs.container(o.name) }]
              : "containers" in o
                ? o.containers.map((c) => ({ name: c.name, href: pageHrefs.container(c.name) }))
                : [],
          ),
        )
      }
    />
  );
}
