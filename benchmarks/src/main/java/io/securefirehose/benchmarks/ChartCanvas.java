package io.securefirehose.benchmarks;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/** A white, antialiased PNG with a bold title, drawn headless with Java 2D by the drivers' charts. */
final class ChartCanvas {

    private ChartCanvas() {}

    static void draw(Path png, int width, int height, String title, Consumer<Graphics2D> body) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 20, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            body.accept(g);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    /**
     * A legend row at the bottom: one coloured square and name per entry, {@code step} pixels apart from {@code x}.
     *
     * @return where the row ends
     */
    static int legend(Graphics2D g, List<String> names, Color[] colors, int x, int step) {
        for (int c = 0; c < names.size(); c++) {
            g.setColor(colors[c % colors.length]);
            g.fillRect(x, 480, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(names.get(c), x + 20, 492);
            x += step;
        }
        return x;
    }
}
