/** The theme is the one piece of view state kept out of the URL (a colleague's link keeps their own). */
export const THEME_KEY = "nsatlas-theme";
export type ThemeChoice = "system" | "light" | "dark";

/** Runs before first paint (inlined in <head>) so a dark page never flashes white. */
export const THEME_BOOT_SCRIPT = `(function(){try{var c=localStorage.getItem("${THEME_KEY}");var d=c==="dark"||(c!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d);}catch(e){}})();`;

export function applyTheme(choice: ThemeChoice): void {
  const isDark = choice === "dark" || (choice === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", isDark);
}
