package dev.carlink.simulator.load;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** A self-contained HTML page (inline SVG, no scripts) with the run's rate and latency over time. */
public final class LoadChart {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 260;
    private static final int PAD = 48;

    private LoadChart() {}

    public static String html(LoadReport report) {
        List<LoadReport.Second> s = report.series();
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>carlink load report</title>")
                .append(
                        "<style>body{font-family:sans-serif;margin:24px;color:#222}pre{background:#f4f4f4;padding:12px}")
                .append(".legend span{margin-right:16px}</style></head><body>");
        b.append("<h1>Load report</h1><pre>").append(escape(report.toText())).append("</pre>");
        b.append("<h2>Messages per second</h2>");
        b.append(chart(
                s,
                List.of(
                        new Line("sent", "#1f77b4", x -> x.sentPerSecond()),
                        new Line("acknowledged", "#2ca02c", x -> x.ackedPerSecond())),
                "msg/s"));
        b.append("<h2>Latency per second (intended send to PUBACK)</h2>");
        b.append(chart(
                s,
                List.of(
                        new Line("p50", "#ff7f0e", LoadReport.Second::p50),
                        new Line("p99", "#d62728", LoadReport.Second::p99)),
                "ms"));
        b.append("</body></html>\n");
        return b.toString();
    }

    private record Line(String name, String colour, ToDoubleFunction<LoadReport.Second> value) {}

    private static String chart(List<LoadReport.Second> series, List<Line> lines, String unit) {
        double max = 0;
        for (Line line : lines) {
            for (LoadReport.Second s : series) {
                max = Math.max(max, line.value().applyAsDouble(s));
            }
        }
        max = max <= 0 ? 1 : max * 1.1;
        int n = Math.max(series.size() - 1, 1);
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">",
                WIDTH,
                HEIGHT));
        int plotW = WIDTH - 2 * PAD;
        int plotH = HEIGHT - 2 * PAD;
        b.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
                PAD,
                PAD,
                plotW,
                plotH));
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            int y = PAD + plotH - (int) (plotH * i / 4.0);
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                    PAD - 4,
                    y + 4,
                    v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v)));
        }
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">time (s): 0 .. %d</text>",
                4,
                PAD - 8,
                unit,
                WIDTH - PAD,
                HEIGHT - PAD + 20,
                series.isEmpty() ? 0 : series.get(series.size() - 1).second()));
        int legendX = PAD;
        for (Line line : lines) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < series.size(); i++) {
                double x = PAD + plotW * (double) i / n;
                double y = PAD + plotH - plotH * line.value().applyAsDouble(series.get(i)) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append(String.format(
                    Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"><title>%s</title></polyline>",
                    line.colour(),
                    points.toString().trim(),
                    line.name()));
            b.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>",
                    legendX,
                    HEIGHT - 8,
                    line.colour(),
                    line.name()));
            legendX += 120;
        }
        return b.append("</svg>").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
