import fs from "node:fs";
import path from "node:path";
import * as z from "zod";

const packageNameSchema = z.object({ name: z.literal("nsatlas") });

/**
 * The folder holding nsatlas's package.json, found upwards from this module: the same answer from the
 * sources (tsx, vitest), the bundle (dist/) and Next's chunks (.next/server/...), whatever the working directory.
 */
export function packageRoot(from: string = import.meta.dirname ?? process.cwd()): string {
  // The walk is over our own folders at run time; the bundler must not trace it.
  for (let dir = path.resolve(/*turbopackIgnore: true*/ from); ; dir = path.dirname(dir)) {
    if (isNsatlasPackage(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`nsatlas's package.json was not found above ${from}`);
  }
}

function isNsatlasPackage(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const text = fs.readFileSync(file, "utf8");
  try {
    return packageNameSchema.safeParse(JSON.parse(text)).success;
  } catch (err) {
    // Not JSON: not ours. JSON.parse throws nothing else; anything else is a bug to surface.
    if (err instanceof SyntaxError) return false;
    throw err;
  }
}
