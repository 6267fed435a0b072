/**
 * DOT -> SVG with Graphviz compiled to WebAssembly (a real layout engine, no native install),
 * SVG -> PNG with resvg. Both load lazily so nothing heavy runs unless a diagram is drawn.
 */
export async function dotToSvg(dot: string): Promise<string> {
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const png = new Resvg(svg, { fitTo: { mode: "zoom", value: 2 }, background: "#ffffff", font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" } })
    .render()
    .asPng();
  return Buffer.from(png);
}
