/** Shared test helpers: paths to shared material and temporary files. */
import { fileURLToPath as fromFileUrl } from "node:url";
import { join } from "node:path";

/** `../shared/realdata`, beside the repository (as DEVELOPERS.md lays it out). */
export const REALDATA_DIR = fromFileUrl(new URL("../../shared/realdata", import.meta.url));

/** A fresh temporary folder holding `files` (name → text or bytes). */
export async function tempFolder(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "casefile-test-" });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
  return dir;
}

/** A temporary file named `name` holding `content`; returns its path. */
export async function tempFile(name: string, content: string | Uint8Array): Promise<string> {
  const dir = await tempFolder({ [name]: content });
  return join(dir, name);
}

/** Whether the shared material is there; under CI it must be. */
export async function hasShared(): Promise<boolean> {
  try {
    await Deno.stat(REALDATA_DIR);
    return true;
  } catch {
    if (Deno.env.get("CI") === "true") throw new Error(`missing ${REALDATA_DIR} under CI`);
    return false;
  }
}
