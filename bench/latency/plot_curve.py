#!/usr/bin/env python3
"""SVG plot of the latency curve (bench/latency/sweep.sh), standard library only.

    plot_curve.py CURVE.csv OUT.svg [--subtitle TEXT]

Two panels against the input rate (log scale): sink latency p50 and p99 (ms,
log scale) and the achieved throughput (events/s: the producer's rate and the
job's), one line per exactly-once setting.
"""
import argparse
import csv
import math

W, H = 900, 380
PANEL_W, PANEL_H = 360, 250
MARGIN_L, MARGIN_T = 70, 70
GAP = 90
COLORS = {"false": "#1f77b4", "true": "#d62728", "-": "#2ca02c"}


def esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def log_ticks(lo, hi):
    ticks = []
    e = math.floor(math.log10(lo))
    while 10 ** e <= hi * 1.0001:
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo / 1.0001 <= v <= hi * 1.0001:
                ticks.append(v)
        e += 1
    return ticks


def fmt(v):
    if v >= 1e6:
        return "%gM" % (v / 1e6)
    if v >= 1e3:
        return "%gk" % (v / 1e3)
    return "%g" % v


class Panel:
    def __init__(self, x0, y0, xlo, xhi, ylo, yhi, title, ylabel):
        self.x0, self.y0 = x0, y0
        self.xlo, self.xhi = math.log10(xlo), math.log10(xhi)
        self.ylo, self.yhi = math.log10(ylo), math.log10(yhi)
        self.out = []
        self.title, self.ylabel = title, ylabel
        self.xr, self.yr = (xlo, xhi), (ylo, yhi)

    def px(self, x):
        return self.x0 + (math.log10(x) - self.xlo) / (self.xhi - self.xlo) * PANEL_W

    def py(self, y):
        y = min(max(y, 10 ** self.ylo), 10 ** self.yhi)
        return self.y0 + PANEL_H - (math.log10(y) - self.ylo) / (self.yhi - self.ylo) * PANEL_H

    def frame(self):
        o = self.out
        o.append('<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#333"/>' % (
            self.x0, self.y0, PANEL_W, PANEL_H))
        for t in log_ticks(*self.xr):
            x = self.px(t)
            o.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#ddd"/>' % (x, self.y0, x, self.y0 + PANEL_H))
            o.append('<text x="%g" y="%g" font-size="10" text-anchor="middle">%s</text>' % (
                x, self.y0 + PANEL_H + 14, fmt(t)))
        for t in log_ticks(*self.yr):
            y = self.py(t)
            o.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#ddd"/>' % (self.x0, y, self.x0 + PANEL_W, y))
            o.append('<text x="%g" y="%g" font-size="10" text-anchor="end">%s</text>' % (self.x0 - 4, y + 3, fmt(t)))
        o.append('<text x="%g" y="%g" font-size="13" text-anchor="middle" font-weight="bold">%s</text>' % (
            self.x0 + PANEL_W / 2, self.y0 - 8, esc(self.title)))
        o.append('<text x="%g" y="%g" font-size="11" text-anchor="middle">input rate (events/s, log)</text>' % (
            self.x0 + PANEL_W / 2, self.y0 + PANEL_H + 32))
        o.append('<text transform="translate(%g,%g) rotate(-90)" font-size="11" text-anchor="middle">%s</text>' % (
            self.x0 - 48, self.y0 + PANEL_H / 2, esc(self.ylabel)))

    def line(self, pts, color, dash=None, label=None, legend_i=0):
        pts = [(x, y) for x, y in pts if x > 0 and y is not None and y > 0]
        if not pts:
            return
        d = " ".join("%.1f,%.1f" % (self.px(x), self.py(y)) for x, y in pts)
        style = ' stroke-dasharray="%s"' % dash if dash else ""
        self.out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>' % (d, color, style))
        for x, y in pts:
            self.out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (self.px(x), self.py(y), color))
        if label:
            ly = self.y0 + 12 + 14 * legend_i
            lx = self.x0 + 8
            self.out.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="2"%s/>' % (
                lx, ly - 4, lx + 22, ly - 4, color, style))
            self.out.append('<text x="%g" y="%g" font-size="10">%s</text>' % (lx + 26, ly, esc(label)))


def num(row, key):
    try:
        return float(row[key])
    except (KeyError, ValueError, TypeError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("svg")
    ap.add_argument("--subtitle", default="")
    a = ap.parse_args()
    with open(a.csv) as f:
        rows = list(csv.DictReader(f))
    series = {}
    for r in rows:
        series.setdefault(r.get("exactly_once", "-"), []).append(r)
    for s in series.values():
        s.sort(key=lambda r: num(r, "rate") or 0)
    rates = [num(r, "rate") for r in rows if num(r, "rate")]
    if not rates:
        raise SystemExit("plot_curve: no rows in %s" % a.csv)
    xlo, xhi = min(rates) / 1.3, max(rates) * 1.3
    lats = [v for r in rows for v in (num(r, "sink_p50_ms"), num(r, "sink_p99_ms")) if v]
    ylo = 10 ** math.floor(math.log10(max(min(lats + [1]), 0.5)))
    yhi = 10 ** math.ceil(math.log10(max(lats + [10])))
    thr = [v for r in rows for v in (num(r, "achieved_rate"), num(r, "job_eps")) if v]
    tlo = 10 ** math.floor(math.log10(min(thr + rates)))
    thi = 10 ** math.ceil(math.log10(max(thr + rates) * 1.01))

    left = Panel(MARGIN_L, MARGIN_T, xlo, xhi, ylo, yhi, "Sink latency (p50 solid, p99 dashed)", "latency (ms, log)")
    right = Panel(MARGIN_L + PANEL_W + GAP, MARGIN_T, xlo, xhi, tlo, thi,
                  "Throughput (job solid, producer dotted)", "events/s (log)")
    left.frame()
    right.frame()
    right.line([(xlo * 1.0, xlo * 1.0), (xhi, xhi)], "#bbb", dash="2,3")
    i = 0
    for eo, s in sorted(series.items()):
        c = COLORS.get(eo, "#555")
        name = {"true": "exactly-once", "false": "at-least-once"}.get(eo, eo)
        left.line([(num(r, "rate"), num(r, "sink_p50_ms")) for r in s], c, label="%s p50" % name, legend_i=i)
        left.line([(num(r, "rate"), num(r, "sink_p99_ms")) for r in s], c, dash="6,4",
                  label="%s p99" % name, legend_i=i + 1)
        right.line([(num(r, "rate"), num(r, "job_eps")) for r in s], c, label="%s job" % name, legend_i=i // 2 * 2)
        right.line([(num(r, "rate"), num(r, "achieved_rate")) for r in s], c, dash="1,3")
        i += 2
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%g" y="22" font-size="15" font-weight="bold" text-anchor="middle">%s</text>' % (
               W / 2, "Sluice, Kafka -> from_json -> filter -> Kafka, 4 partitions, default trigger"),
           '<text x="%g" y="40" font-size="11" text-anchor="middle">%s</text>' % (W / 2, esc(a.subtitle))]
    svg += left.out + right.out + ["</svg>"]
    with open(a.svg, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
