import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/ui/app-header";
import { THEME_BOOT_SCRIPT } from "@/components/ui/theme";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "nsatlas",
  description: "Every network namespace on this node, who owns it, and how it is wired",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <AppHeader />
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
