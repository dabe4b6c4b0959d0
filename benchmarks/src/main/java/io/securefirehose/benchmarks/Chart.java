package io.securefirehose.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A grouped bar chart of the load table, drawn with Java 2D (headless): for each record size, each
 * configuration's records/s and CPU per record as ratios to the baseline of the same run.
 */
final class Chart {

    private static final Color[] COLORS = {
        new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52), new Color(0x8172B3)
    };

    private Chart() {}

    static void write(List<RunResult> results, Path png) throws IOException {
        List<Integer> sizes =
                results.stream().map(RunResult::recordBytes).distinct().toList();
        List<String> configurations =
                results.stream().map(RunResult::configuration).distinct().toList();
        ChartCanvas.draw(png, 1000, 520, "firehose-secure load driver: ratio to the raw SDK baseline (same run)", g -> {
            panel(g, results, sizes, configurations, "records/s (higher is better)", 40, 60, 440, 380, true);
            panel(g, results, sizes, configurations, "CPU per record (lower is better)", 520, 60, 440, 380, false);
            ChartCanvas.legend(g, configurations, COLORS, 40, 160);
        });
    }

    private static void panel(
            Graphics2D g,
            List<RunResult> results,
            List<Integer> sizes,
            List<String> configurations,
            String title,
            int left,
            int top,
            int width,
            int height,
            boolean throughput) {
        double max = 0.0;
        for (RunResult r : results) {
            max = Math.max(max, ratio(results, r, throughput));
        }
        max = Math.max(1.2, Math.ceil(max * 5) / 5);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        g.drawString(title, left, top + 12);
        int plotTop = top + 24;
        int plotHeight = height - 60;
        int baseY = plotTop + plotHeight;
        g.drawLine(left, baseY, left + width, baseY);
        g.drawLine(left, plotTop, left, baseY);
        for (double tick = 0; tick <= max + 1e-9; tick += max / 4) {
            int y = baseY - (int) (tick / max * plotHeight);
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(left + 1, y, left + width, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f", tick), left - 32, y + 4);
        }
        int oneY = baseY - (int) (1.0 / max * plotHeight);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(left, oneY, left + width, oneY);
        g.setStroke(new BasicStroke());
        int groupWidth = width / Math.max(1, sizes.size());
        int barWidth = Math.max(8, (groupWidth - 30) / Math.max(1, configurations.size()));
        for (int s = 0; s < sizes.size(); s++) {
            int groupLeft = left + s * groupWidth + 15;
            for (int c = 0; c < configurations.size(); c++) {
                int size = sizes.get(s);
                String configuration = configurations.get(c);
                RunResult r = results.stream()
                        .filter(x ->
                                x.recordBytes() == size && x.configuration().equals(configuration))
                        .findFirst()
                        .orElse(null);
                if (r == null) {
                    continue;
                }
                double value = ratio(results, r, throughput);
                int barHeight = (int) (value / max * plotHeight);
                g.setColor(COLORS[c % COLORS.length]);
                g.fillRect(groupLeft + c * barWidth, baseY - barHeight, barWidth - 4, barHeight);
                g.setColor(Color.BLACK);
                g.drawString(
                        String.format(Locale.ROOT, "%.2f", value), groupLeft + c * barWidth, baseY - barHeight - 4);
            }
            g.drawString(sizes.get(s) + " B records", groupLeft, baseY + 18);
        }
    }

    private static double ratio(List<RunResult> results, RunResult r, boolean throughput) {
        RunResult base = LoadDriver.baselineFor(results, r.recordBytes());
        return throughput
                ? r.recordsPerSecond() / base.recordsPerSecond()
                : r.cpuSecondsPerMillion() / base.cpuSecondsPerMillion();
    }
}
