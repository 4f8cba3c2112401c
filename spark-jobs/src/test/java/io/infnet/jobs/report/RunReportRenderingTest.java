package io.infnet.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as a browser shows it: headless Chromium renders a report of a realistic run, and every chart's plot
 * area must contain its curves' colours (a report whose SVG does not render would pass any check of its text).
 * Chromium is required, not optional: a skipped test would let the report break unnoticed.
 */
class RunReportRenderingTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 1600;
  /** Anti-aliasing blends a curve's edge into the background; its core pixels stay this close to the stroke colour. */
  private static final int COLOUR_TOLERANCE = 40;
  private static final int MIN_PIXELS_PER_CURVE = 20;
  /** Test-only: writes each chart's plot-area rectangle (CSS px = screenshot px at scale 1) into the DOM for --dump-dom. */
  private static final String MEASURE_PLOT_AREAS = "<script>for (const svg of document.querySelectorAll('svg.chart')) {"
      + " const r = svg.querySelector('.plot-area').getBoundingClientRect();"
      + " svg.setAttribute('data-plot', [r.left, r.top, r.right, r.bottom].map(Math.round).join(',')); }</script>";
  private static final Pattern PLOT = Pattern.compile("<svg class=\"chart\" id=\"([^\"]+)\"[^>]*data-plot=\"(\\d+),(\\d+),(\\d+),(\\d+)\"");
  private static final Pattern STROKE = Pattern.compile("<polyline [^>]*stroke=\"(#[0-9a-f]{6})\"");

  @TempDir Path tmp;

  @Test
  void chromiumDrawsEveryCurveInsideItsChart() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: the report rendering test needs Chromium. Run bin/setup "
        + "(or bin/test, which installs it: apt-get install -y chromium)");
    String html = RunReport.html(RunReportFixtures.run(RunReportFixtures.realisticHistory()));
    Path report = Files.writeString(tmp.resolve("report.html"), html);
    Path probe = Files.writeString(tmp.resolve("probe.html"), html.replace("</body>", MEASURE_PLOT_AREAS + "\n</body>"));

    String dom = chromium("--dump-dom", probe.toUri().toString());
    for (String title : List.of("Training loss", "Validation AUC per task", "Validation logloss per task")) {
      assertTrue(dom.contains(title), "rendered page lacks the chart title '" + title + "'");
    }
    Path png = tmp.resolve("report.png");
    chromium("--screenshot=" + png, report.toUri().toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(WIDTH, image.getWidth(), "screenshot width");

    Map<String, String> charts = RunReportTest.charts(html);
    Matcher plot = PLOT.matcher(dom);
    int checked = 0;
    while (plot.find()) {
      int[] area = {Integer.parseInt(plot.group(2)), Integer.parseInt(plot.group(3)), Integer.parseInt(plot.group(4)),
          Integer.parseInt(plot.group(5))};
      assertTrue(area[2] <= image.getWidth() && area[3] <= image.getHeight(), plot.group(1) + " lies outside the screenshot");
      for (String colour : strokes(charts.get(plot.group(1)))) {
        int pixels = pixelsOfColour(image, area, colour);
        assertTrue(pixels >= MIN_PIXELS_PER_CURVE, plot.group(1) + ": only " + pixels + " pixels of curve colour " + colour
            + " inside its plot area " + List.of(area[0], area[1], area[2], area[3]) + "; screenshot kept at " + keep(png));
      }
      checked++;
    }
    assertEquals(3, checked, "plot areas measured in the rendered page");
  }

  private static Set<String> strokes(String svg) {
    Set<String> colours = new LinkedHashSet<>();
    Matcher m = STROKE.matcher(svg);
    while (m.find()) colours.add(m.group(1));
    assertFalse(colours.isEmpty(), "no curves in\n" + svg);
    return colours;
  }

  /** Inside the plot area's border (its stroke is grey, never a curve colour). */
  private static int pixelsOfColour(BufferedImage image, int[] area, String hex) {
    int want = Integer.parseInt(hex.substring(1), 16);
    int count = 0;
    for (int y = area[1] + 1; y < area[3] - 1; y++) {
      for (int x = area[0] + 1; x < area[2] - 1; x++) {
        if (close(image.getRGB(x, y), want)) count++;
      }
    }
    return count;
  }

  private static boolean close(int rgb, int want) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((rgb >> shift) & 0xff) - ((want >> shift) & 0xff)) > COLOUR_TOLERANCE) return false;
    }
    return true;
  }

  private String chromium(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + WIDTH + "," + HEIGHT,
        "--user-data-dir=" + tmp.resolve("profile"))); // its own profile: tests may run next to a user's browser
    command.addAll(List.of(args));
    File log = tmp.resolve("chromium.log").toFile();
    Process p = new ProcessBuilder(command).redirectError(log).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(log.toPath()));
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /** A failing render is easier to judge by eye: keep the screenshot outside the temporary directory. */
  private static Path keep(Path png) {
    try {
      Path kept = Files.createTempFile("infnet-report-", ".png");
      Files.copy(png, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return kept;
    } catch (java.io.IOException e) {
      return png;
    }
  }
}
