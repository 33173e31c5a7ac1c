"use client";

import { useHrefs } from "../url/at-scope";
import { LookupView } from "./lookup-view";

export function ContainerDetailView({ name }: { name: string }) {
  const hrefs = useHrefs();
  return (
    <LookupView
      target={{ kind: "container", name }}
      what={{ label: "container", name }}
      candidates={(s) =>
        s.netns.flatMap((n) =>
          n.owners.flatMap((o) =>
            o.kind === "docker-container"
              ? [{ name: o.name, href: hrefs.container(o.name) }]
              : "containers" in o
                ? o.containers.map((c) => ({ name: c.name, href: hrefs.container(c.name) }))
                : [],
          ),
        )
      }
    />
  );
}
