/** SVG to PNG with resvg (WebAssembly: no native addon, no browser). */
import { createRequire } from "node:module";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { chartFonts } from "./_fonts.ts";
import { ChartError } from "./errors.ts";

let ready: Promise<void> | undefined;

function loadResvg(): Promise<void> {
  ready ??= (async () => {
    let path: string;
    try {
      path = createRequire(import.meta.url).resolve("@resvg/resvg-wasm/index_bg.wasm");
    } catch (error) {
      throw new ChartError("Cannot draw PNG images: the resvg WebAssembly module is missing.", {
        cause: error,
        hint: "Run `deno install` in casefile's folder, or write SVG or HTML instead.",
      });
    }
    await initWasm(await Deno.readFile(path));
  })();
  return ready;
}

/** Rasterises `svg` at `scale` times its size (2 for crisp text on high-density screens). */
export async function pngOf(svg: string, scale: number): Promise<Uint8Array> {
  await loadResvg();
  const fonts = chartFonts();
  const resvg = new Resvg(svg, {
    font: {
      fontBuffers: [fonts.regular, fonts.bold],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      serifFamily: "DejaVu Sans",
      monospaceFamily: "DejaVu Sans",
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
