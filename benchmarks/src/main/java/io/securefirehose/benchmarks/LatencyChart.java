package io.securefirehose.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The latency driver's chart, drawn with Java 2D (headless): for each record size, p50 (solid) and p99 (dashed)
 * send-to-acknowledgement latency of each configuration against the offered load, and in grey the bound the
 * producer is held to (the baseline's plus {@code linger}).
 */
final class LatencyChart {

    private static final Color[] COLORS = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868)};
    private static final Stroke SOLID = new BasicStroke(2f);
    private static final Stroke DASHED =
            new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 5}, 0);
    private static final Stroke DOTTED =
            new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 4}, 0);

    private LatencyChart() {}

    static void write(List<LatencyDriver.Result> results, double lingerMillis, Path png) throws IOException {
        List<Integer> sizes = results.stream()
                .map(LatencyDriver.Result::recordBytes)
                .distinct()
                .toList();
        List<String> configurations = results.stream()
                .map(LatencyDriver.Result::configuration)
                .distinct()
                .toList();
        int panelWidth = 460;
        ChartCanvas.draw(
                png,
                60 + sizes.size() * (panelWidth + 60),
                520,
                "send-to-acknowledgement latency at a fixed offered load (p50 solid, p99 dashed)",
                g -> {
                    for (int s = 0; s < sizes.size(); s++) {
                        int size = sizes.get(s);
                        List<LatencyDriver.Result> ofSize = results.stream()
                                .filter(r -> r.recordBytes() == size)
                                .toList();
                        panel(
                                g,
                                ofSize,
                                configurations,
                                lingerMillis,
                                size,
                                70 + s * (panelWidth + 60),
                                60,
                                panelWidth,
                                380);
                    }
                    int x = ChartCanvas.legend(g, configurations, COLORS, 40, 140);
                    g.setColor(Color.GRAY);
                    g.setStroke(DOTTED);
                    g.drawLine(x, 487, x + 30, 487);
                    g.setColor(Color.BLACK);
                    g.drawString("baseline + linger", x + 36, 492);
                });
    }

    private static void panel(
            Graphics2D g,
            List<LatencyDriver.Result> results,
            List<String> configurations,
            double lingerMillis,
            int size,
            int left,
            int top,
            int width,
            int height) {
        double max = 1;
        for (LatencyDriver.Result r : results) {
            max = Math.max(max, r.p99Millis());
            if (r.configuration().equals("baseline")) {
                max = Math.max(max, r.p99Millis() + lingerMillis);
            }
        }
        max = Math.ceil(max * 1.1);
        int plotTop = top + 24;
        int plotHeight = height - 60;
        int baseY = plotTop + plotHeight;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setStroke(new BasicStroke());
        g.setColor(Color.BLACK);
        g.drawString(size + " B records: ms against offered load, % of the baseline's saturation", left, top);
        g.drawLine(left, baseY, left + width, baseY);
        g.drawLine(left, plotTop, left, baseY);
        for (int tick = 0; tick <= 4; tick++) {
            int y = baseY - tick * plotHeight / 4;
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left + 1, y, left + width, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.0f", max * tick / 4), left - 34, y + 4);
        }
        for (int percent = 0; percent <= 100; percent += 25) {
            g.drawString(percent + " %", left + percent * width / 100 - 10, baseY + 18);
        }
        for (int c = 0; c < configurations.size(); c++) {
            String configuration = configurations.get(c);
            List<LatencyDriver.Result> line = results.stream()
                    .filter(r -> r.configuration().equals(configuration))
                    .toList();
            g.setColor(COLORS[c % COLORS.length]);
            polyline(g, line, LatencyDriver.Result::p50Millis, 0, SOLID, left, width, baseY, plotHeight, max);
            polyline(g, line, LatencyDriver.Result::p99Millis, 0, DASHED, left, width, baseY, plotHeight, max);
            if (configuration.equals("baseline")) {
                g.setColor(Color.GRAY);
                polyline(
                        g,
                        line,
                        LatencyDriver.Result::p50Millis,
                        lingerMillis,
                        DOTTED,
                        left,
                        width,
                        baseY,
                        plotHeight,
                        max);
                polyline(
                        g,
                        line,
                        LatencyDriver.Result::p99Millis,
                        lingerMillis,
                        DOTTED,
                        left,
                        width,
                        baseY,
                        plotHeight,
                        max);
            }
        }
        g.setStroke(new BasicStroke());
    }

    private static void polyline(
            Graphics2D g,
            List<LatencyDriver.Result> line,
            ToDoubleFunction<LatencyDriver.Result> millis,
            double plus,
            Stroke stroke,
            int left,
            int width,
            int baseY,
            int plotHeight,
            double max) {
        g.setStroke(stroke);
        int[] xs = new int[line.size()];
        int[] ys = new int[line.size()];
        for (int i = 0; i < line.size(); i++) {
            xs[i] = left + line.get(i).offeredPercent() * width / 100;
            ys[i] = baseY - (int) ((millis.applyAsDouble(line.get(i)) + plus) / max * plotHeight);
            g.fillOval(xs[i] - 3, ys[i] - 3, 6, 6);
        }
        g.drawPolyline(xs, ys, line.size());
    }
}
