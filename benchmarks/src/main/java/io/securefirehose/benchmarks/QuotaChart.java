package io.securefirehose.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One shared-quota run as a chart, drawn with Java 2D (headless): each producer's goodput per second as a share of
 * the quota, their sum, the fair share (quota / producers) and the quota.
 */
final class QuotaChart {

    private QuotaChart() {}

    static void write(SharedQuotaRun.Outcome run, double quotaBytes, Path png) throws IOException {
        long[][] bytes = run.ackedBytesPerSecond();
        int seconds = bytes[0].length;
        int width = 1000;
        int height = 520;
        int left = 70;
        int top = 60;
        int plotWidth = width - 110;
        int plotHeight = 360;
        int baseY = top + plotHeight;
        double max = 1.2;
        String title = String.format(
                Locale.ROOT,
                "%d producers (%s), one quota: goodput per second as a share of the quota",
                run.producers(),
                run.mode());
        ChartCanvas.draw(png, width, height, title, g -> {
            g.drawLine(left, baseY, left + plotWidth, baseY);
            g.drawLine(left, top, left, baseY);
            for (int tick = 0; tick <= 6; tick++) {
                double share = max * tick / 6;
                int y = baseY - (int) (share / max * plotHeight);
                g.setColor(new Color(0xDDDDDD));
                g.drawLine(left + 1, y, left + plotWidth, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.1f", share), left - 34, y + 4);
            }
            for (int s = 0; s <= seconds; s += 10) {
                g.drawString(s + " s", left + s * plotWidth / seconds - 8, baseY + 18);
            }
            horizontal(g, 1.0, Color.BLACK, "quota", left, plotWidth, baseY, plotHeight, max);
            horizontal(g, 1.0 / run.producers(), Color.GRAY, "fair share", left, plotWidth, baseY, plotHeight, max);
            for (int p = 0; p < bytes.length; p++) {
                float hue = p / (float) bytes.length;
                g.setColor(Color.getHSBColor(hue, 0.7f, 0.8f));
                g.setStroke(new BasicStroke(p == bytes.length - 1 && run.lateJoinSeconds() > 0 ? 2.5f : 1.2f));
                line(g, bytes[p], quotaBytes, left, plotWidth, baseY, plotHeight, max);
            }
            long[] sum = new long[seconds];
            for (long[] producer : bytes) {
                for (int s = 0; s < seconds; s++) {
                    sum[s] += producer[s];
                }
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2.5f));
            line(g, sum, quotaBytes, left, plotWidth, baseY, plotHeight, max);
            g.setStroke(new BasicStroke());
            g.drawString(
                    "black: all producers together; one colour per producer"
                            + (run.lateJoinSeconds() > 0
                                    ? ", the thick one joins at " + run.lateJoinSeconds() + " s"
                                    : ""),
                    left,
                    height - 30);
        });
    }

    private static void horizontal(
            Graphics2D g,
            double share,
            Color color,
            String label,
            int left,
            int plotWidth,
            int baseY,
            int plotHeight,
            double max) {
        int y = baseY - (int) (share / max * plotHeight);
        g.setColor(color);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(left, y, left + plotWidth, y);
        g.drawString(label, left + plotWidth - 70, y - 4);
        g.setStroke(new BasicStroke());
    }

    private static void line(
            Graphics2D g,
            long[] bytes,
            double quotaBytes,
            int left,
            int plotWidth,
            int baseY,
            int plotHeight,
            double max) {
        int[] xs = new int[bytes.length];
        int[] ys = new int[bytes.length];
        for (int s = 0; s < bytes.length; s++) {
            xs[s] = left + (2 * s + 1) * plotWidth / (2 * bytes.length);
            ys[s] = baseY - (int) (Math.min(max, bytes[s] / quotaBytes) / max * plotHeight);
        }
        g.drawPolyline(xs, ys, bytes.length);
    }
}
