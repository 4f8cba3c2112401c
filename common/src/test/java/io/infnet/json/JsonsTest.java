package io.infnet.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonsTest {
  record Point(int epochsDone, double value, Map<String, Double> perTask, List<String> names) {}

  @Test
  void recordsRoundTripWithSnakeCaseNames() {
    Point p = new Point(3, 0.25, Map.of("click", 0.7), List.of("a", "b"));
    String json = Jsons.write(p);
    assertTrue(json.contains("\"epochs_done\":3"), json);
    assertEquals(p, Jsons.read(json, Point.class, "test"));
  }

  @Test
  void nonFiniteDoublesAreNullInJsonAndNaNWhenRead() {
    String json = Jsons.write(new Point(1, Double.NaN, Map.of("like", Double.POSITIVE_INFINITY), List.of()));
    assertTrue(json.contains("\"value\":null") && json.contains("\"like\":null"), json);
    Point back = Jsons.read(json, Point.class, "test");
    assertTrue(Double.isNaN(back.value()) && Double.isNaN(back.perTask().get("like")));
  }

  @Test
  void unknownPropertiesAreIgnoredAndBadInputNamesItsSource() {
    assertEquals(2, Jsons.read("{\"epochs_done\":2,\"added_later\":true}", Point.class, "x").epochsDone());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Jsons.read("{\"epochs_done\":\"two\"}", Point.class, "ckpt/loop.json"));
    assertTrue(e.getMessage().startsWith("ckpt/loop.json: not a valid Point"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Jsons.read("{\"value\":\"abc\"}", Point.class, "x"));
  }

  @Test
  void mapsKeepTheirOrder() {
    Map<String, String> m = Jsons.readMap("{\"b\":\"1\",\"a\":\"2\"}", String.class, "x");
    assertEquals(List.of("b", "a"), List.copyOf(m.keySet()));
  }
}
