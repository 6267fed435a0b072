/**
 * The benchmark as an SVG bar chart: per metric, each runtime's slowdown against runC (runC = 1×,
 * longer is slower), with the median in its unit beside the bar. A runtime that cannot run here
 * gets no bar, and the legend says "not available here".
 */
import { RUNTIME_LABELS, RUNTIMES, type RuntimeName } from "../config/runtimes";
import { METRICS } from "./apps";
import { NOT_AVAILABLE, ratio } from "./report";
import type { BenchResult } from "./result";

const COLORS: Readonly<Record<RuntimeName, string>> = { runc: "#4c78a8", gvisor: "#f58518", kata: "#54a24b" };

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export function renderChart(result: BenchResult): string {
  const metrics = METRICS.filter((m) => result.metrics[m.id] !== undefined);
  const available = RUNTIMES.filter((r) => result.runtimes.find((s) => s.runtime === r)?.available);
  const bars = metrics.map((m) => ({ m, values: available.map((r) => ({ r, v: ratio(result, m, r, "runc"), s: result.metrics[m.id]?.[r] })) }));
  const maxRatio = Math.max(2, ...bars.flatMap((b) => b.values.map((x) => x.v ?? 0)));
  const left = 210;
  const plot = 470;
  const barH = 14;
  const groupH = Math.max(1, available.length) * (barH + 3) + 14;
  // The machine's description, wrapped at commas to fit the chart's width.
  const machineLines: string[] = [];
  for (const part of result.machine.summary.split(", ")) {
    const last = machineLines.length - 1;
    if (last >= 0 && machineLines[last]!.length + part.length + 2 <= 125) machineLines[last] += `, ${part}`;
    else machineLines.push(part);
  }
  const top = 70 + (machineLines.length - 1) * 15;
  const height = top + bars.length * groupH + 60;
  const width = left + plot + 170;
  const x = (v: number) => left + (v / maxRatio) * plot;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="12" y="22" font-size="15" font-weight="bold">${escapeXml(`Container runtimes: ${result.target}, slowdown against runC (median of ${result.repeats})`)}</text>`,
  );
  machineLines.forEach((line, i) => out.push(`<text x="12" y="${40 + i * 15}" fill="#444">${escapeXml(line)}</text>`));
  // Legend: every runtime, the unavailable ones named as such.
  let lx = 12;
  const legendY = 50 + (machineLines.length - 1) * 15;
  for (const r of RUNTIMES) {
    const status = result.runtimes.find((s) => s.runtime === r);
    const text = status?.available ? RUNTIME_LABELS[r] : `${RUNTIME_LABELS[r]}: ${NOT_AVAILABLE}`;
    out.push(`<rect x="${lx}" y="${legendY}" width="10" height="10" fill="${status?.available ? COLORS[r] : "#cccccc"}"/>`);
    out.push(`<text x="${lx + 14}" y="${legendY + 9}" data-runtime="${r}" data-available="${status?.available ? "true" : "false"}">${escapeXml(text)}</text>`);
    lx += 24 + text.length * 6.5;
  }
  // Grid: 1× (runC) and whole multiples.
  for (let g = 1; g <= Math.floor(maxRatio); g++) {
    out.push(
      `<line x1="${x(g)}" y1="${top - 4}" x2="${x(g)}" y2="${height - 40}" stroke="${g === 1 ? "#333" : "#ddd"}" stroke-dasharray="${g === 1 ? "4 3" : "2 3"}"/>`,
    );
    out.push(`<text x="${x(g)}" y="${height - 26}" text-anchor="middle" fill="#555">${g}×</text>`);
  }
  bars.forEach(({ m, values }, i) => {
    const gy = top + i * groupH;
    out.push(`<text x="${left - 8}" y="${gy + groupH / 2}" text-anchor="end">${escapeXml(m.label)}</text>`);
    values.forEach(({ r, v, s }, j) => {
      const y = gy + j * (barH + 3);
      if (v === undefined || !s) {
        out.push(
          `<text x="${left + 4}" y="${y + barH - 3}" fill="#999">${escapeXml(`${RUNTIME_LABELS[r]}: ${result.failures[m.app]?.[r] ? "failed" : "no measurement"}`)}</text>`,
        );
        return;
      }
      const value = s.median >= 100 ? s.median.toFixed(0) : s.median.toFixed(1);
      out.push(
        `<rect x="${left}" y="${y}" width="${Math.max(1, x(v) - left).toFixed(1)}" height="${barH}" fill="${COLORS[r]}" data-metric="${m.id}" data-runtime="${r}" data-ratio="${v.toFixed(3)}"/>`,
      );
      out.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${y + barH - 3}" fill="#222">${escapeXml(`${v.toFixed(2)}× (${value} ${m.unit})`)}</text>`);
    });
  });
  out.push(
    `<text x="12" y="${height - 8}" fill="#666">${escapeXml("Bars: runtime's median time ÷ runC's (for rates, runC's ÷ the runtime's). Longer is slower.")}</text>`,
  );
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
