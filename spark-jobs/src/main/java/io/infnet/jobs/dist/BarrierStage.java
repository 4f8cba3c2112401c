package io.infnet.jobs.dist;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/** Spark's barrier execution mode from Java: all partitions' tasks start together or not at all (the Java RDD API lacks it). */
final class BarrierStage {
  private BarrierStage() {}

  /**
   * Runs f as a barrier stage and collects what it returns. Spark retries a failed barrier stage (a lost executor,
   * a failed task) only if it is a shuffle map stage; a failed barrier *result* stage aborts the job. So the
   * results go through a one-partition shuffle, which makes the barrier stage a retryable map stage.
   */
  static <T, R> List<R> collectRetryable(JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> f, Class<R> resultClass) {
    return mapPartitions(rdd, f, resultClass).repartition(1).collect();
  }

  private static <T, R> JavaRDD<R> mapPartitions(JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> f, Class<R> resultClass) {
    return rdd.rdd().barrier().mapPartitions(new ScalaPartitionFunction<>(f), false, ClassTag$.MODULE$.apply(resultClass))
        .toJavaRDD();
  }

  private static final class ScalaPartitionFunction<T, R>
      extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>> implements Serializable {
    private final FlatMapFunction<Iterator<T>, R> f;

    ScalaPartitionFunction(FlatMapFunction<Iterator<T>, R> f) {
      this.f = f;
    }

    @Override
    public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> rows) {
      try {
        return CollectionConverters.asScala(f.call(CollectionConverters.asJava(rows)));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }
}
