import type { ReactNode } from "react";

export type BadgeTone = "good" | "warn" | "bad" | "neutral";

const TONES: Record<BadgeTone, string> = {
  good: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-200",
  warn: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200",
  bad: "bg-rose-100 text-rose-900 dark:bg-rose-900/50 dark:text-rose-200",
  neutral: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
};

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`inline-flex items-center whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}>{children}</span>;
}
