/** The header's small outlined buttons (copy, copy link, theme). */
export const SMALL_BUTTON_CLASS = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
