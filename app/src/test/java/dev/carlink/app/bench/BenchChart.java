package dev.carlink.app.bench;

import java.util.List;
import java.util.Locale;

/**
 * Small self-contained SVG line charts for benchmark pages: one x axis (seconds into the run, or any other
 * number), any number of named series, a linear or logarithmic y axis, and shaded bands naming the phases.
 */
public final class BenchChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 280;
    private static final int PAD = 56;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    /** A named line: x and y values of the same length; NaN y values leave a gap. */
    public record Series(String name, double[] x, double[] y) {}

    /** A labelled stretch of the x axis (a phase of the run). */
    public record Band(String label, double from, double to) {}

    private BenchChart() {}

    public static String page(String title, String summary, List<String> charts) {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:24px;color:#222}"
                        + "pre{background:#f6f6f6;padding:12px;overflow-x:auto}</style></head><body><h1>")
                .append(escape(title))
                .append("</h1>");
        charts.forEach(b::append);
        return b.append("<pre>")
                .append(escape(summary))
                .append("</pre></body></html>")
                .toString();
    }

    public static String chart(
            String title, String xLabel, String yUnit, boolean logY, List<Band> bands, List<Series> lines) {
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (Series s : lines) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isNaN(s.y()[i]) || (logY && s.y()[i] <= 0)) {
                    continue;
                }
                minX = Math.min(minX, s.x()[i]);
                maxX = Math.max(maxX, s.x()[i]);
                minY = Math.min(minY, s.y()[i]);
                maxY = Math.max(maxY, s.y()[i]);
            }
        }
        if (minX > maxX) {
            return "<p>" + escape(title) + ": no data</p>";
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        double lo = logY ? Math.pow(10, Math.floor(Math.log10(minY))) : 0;
        double hi = logY ? Math.pow(10, Math.ceil(Math.log10(maxY))) : niceCeiling(maxY);
        if (hi <= lo) {
            hi = lo + 1;
        }
        Scale sx = new Scale(minX, maxX, PAD, WIDTH - PAD, false);
        Scale sy = new Scale(lo, hi, HEIGHT - PAD, PAD / 2.0, logY);
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<h3>%s</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "font-size=\"11\" role=\"img\" aria-label=\"%s\">",
                escape(title),
                WIDTH,
                HEIGHT,
                escape(title)));
        for (int i = 0; i < bands.size(); i++) {
            Band band = bands.get(i);
            double x0 = sx.at(Math.max(band.from(), minX));
            double x1 = sx.at(Math.min(band.to(), maxX));
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" fill=\"#555\">%s</text>",
                    x0,
                    PAD / 2,
                    Math.max(0, x1 - x0),
                    HEIGHT - PAD - PAD / 2,
                    i % 2 == 0 ? "#f3f3f3" : "#e9eef5",
                    x0 + 3,
                    PAD / 2 + 12,
                    escape(band.label())));
        }
        for (double tick : sy.ticks()) {
            double y = sy.at(tick);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    PAD,
                    WIDTH - PAD,
                    y,
                    y,
                    PAD - 4,
                    y + 4,
                    number(tick)));
        }
        for (double tick : sx.ticks()) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    sx.at(tick),
                    HEIGHT - PAD + 14,
                    number(tick)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>"
                        + "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
                WIDTH / 2,
                HEIGHT - PAD + 30,
                escape(xLabel),
                HEIGHT / 2,
                HEIGHT / 2,
                escape(yUnit + (logY ? " (log)" : ""))));
        for (int l = 0; l < lines.size(); l++) {
            Series s = lines.get(l);
            String color = COLORS[l % COLORS.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                double v = s.y()[i];
                if (Double.isNaN(v) || (logY && v <= 0)) {
                    pen = false;
                    continue;
                }
                path.append(pen ? " L" : " M")
                        .append(String.format(Locale.ROOT, "%.1f %.1f", sx.at(s.x()[i]), sy.at(v)));
                pen = true;
            }
            svg.append("<path fill=\"none\" stroke-width=\"1.6\" stroke=\"")
                    .append(color)
                    .append("\" d=\"")
                    .append(path)
                    .append("\"/>");
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                    WIDTH - PAD - 150,
                    PAD / 2 + 20 + 14 * l,
                    color,
                    WIDTH - PAD - 136,
                    PAD / 2 + 29 + 14 * l,
                    escape(s.name())));
        }
        return svg.append("</svg>").toString();
    }

    private record Scale(double lo, double hi, double from, double to, boolean log) {
        double at(double v) {
            double f =
                    log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return from + f * (to - from);
        }

        double[] ticks() {
            if (log) {
                int n = (int) Math.round(Math.log10(hi) - Math.log10(lo)) + 1;
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = lo * Math.pow(10, i);
                }
                return out;
            }
            double[] out = new double[6];
            for (int i = 0; i < out.length; i++) {
                out[i] = lo + (hi - lo) * i / (out.length - 1);
            }
            return out;
        }
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String number(double v) {
        if (Math.abs(v) >= 10 || v == Math.rint(v)) {
            return String.valueOf(Math.round(v));
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
