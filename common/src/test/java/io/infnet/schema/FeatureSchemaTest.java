package io.infnet.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {
  private static final FeatureSchema SCHEMA = new FeatureSchema(
      List.of(new FeatureSchema.Field("video_id", 10), new FeatureSchema.Field("tag", 6, 4)),
      List.of(new FeatureSchema.Sequence("click", 5, List.of("video_id", "tag"))), List.of("click"), 12);

  @Test
  void multiValuedFieldsRoundTripThroughJson() {
    assertEquals(SCHEMA, FeatureSchema.fromJson(SCHEMA.toJson()));
    assertEquals(List.of(new FeatureSchema.Field("tag", 6, 4)), SCHEMA.multiValuedFields());
    assertEquals("multi_tag", FeatureSchema.multiValuedColumn("tag"));
  }

  @Test
  void schemaWrittenWithoutMaxValuesReadsAsSingleValued() {
    String old = "{\"fields\":[{\"name\":\"video_id\",\"cardinality\":10},{\"name\":\"tag\",\"cardinality\":6}],"
        + "\"sequences\":[],\"tasks\":[\"click\"],\"gap_buckets\":0}";
    FeatureSchema parsed = FeatureSchema.fromJson(old);
    assertEquals(new FeatureSchema.Field("tag", 6, 1), parsed.field("tag"));
    assertEquals(List.of(), parsed.multiValuedFields());
  }

  @Test
  void maxValuesBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FeatureSchema.Field("tag", 6, 0));
  }
}
