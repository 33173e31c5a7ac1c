import type { Owner } from "@/server/contract/snapshot";

/** Each owner kind's hue: `text` for its badge's glyph, `border` for its box in the topology (full class names, for Tailwind). */
export const OWNER_TONES: Record<Owner["kind"], { text: string; border: string }> = {
  "kubernetes-pod": { text: "text-sky-700 dark:text-sky-300", border: "border-sky-500" },
  "docker-container": { text: "text-indigo-700 dark:text-indigo-300", border: "border-indigo-500" },
  "podman-pod": { text: "text-violet-700 dark:text-violet-300", border: "border-violet-500" },
  "ip-netns": { text: "text-emerald-700 dark:text-emerald-300", border: "border-emerald-500" },
  process: { text: "text-amber-700 dark:text-amber-300", border: "border-amber-500" },
};
