"use client";

import { useSyncExternalStore } from "react";
import { SMALL_BUTTON_CLASS } from "./small-button";
import { applyTheme, THEME_KEY, type ThemeChoice } from "./theme";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<ThemeChoice, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };
const CHANGED = "nsatlas-theme-changed";

function read(): ThemeChoice {
  const saved = localStorage.getItem(THEME_KEY);
  return saved === "light" || saved === "dark" ? saved : "system";
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
}

/** Cycles system → light → dark; the choice stays in this browser (localStorage), not in shared links. */
export function ThemeToggle() {
  const choice = useSyncExternalStore(subscribe, read, () => "system" as const);
  function cycle() {
    const next = NEXT[choice];
    if (next === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, next);
    applyTheme(next);
    window.dispatchEvent(new Event(CHANGED));
  }
  return (
    <button type="button" onClick={cycle} className={SMALL_BUTTON_CLASS}>
      {LABEL[choice]}
    </button>
  );
}
