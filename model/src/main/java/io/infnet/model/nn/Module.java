package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters have fixed shapes from construction and dotted names ("blocks.0.pgu_cat.hidden.weight")
 * that are stable across runs: the names of the safetensors export and of the gradients.
 *
 * <p>Subclasses expose typed methods (taking a {@link Pass}) that their parents call directly; the generic
 * {@code forward(NDList)} of DJL delegates to them.
 */
public abstract class Module extends AbstractBlock {
  private final Map<String, NamedParameter> ownParameters = new LinkedHashMap<>();
  private final Map<String, Module> ownChildren = new LinkedHashMap<>();

  protected Module() {
    super((byte) 1);
  }

  /**
   * A parameter with its dotted name, shape and initializer. {@code rowSparse}: an embedding table, whose gradient
   * touches only the rows a batch looked up.
   */
  public record NamedParameter(String name, Parameter parameter, Shape shape, Init init, boolean rowSparse) {}

  protected final Parameter parameter(String name, Init init, long... shape) {
    return register(name, init, false, shape);
  }

  /** An embedding table (rows, width): gradients of it are listed by touched row. */
  protected final Parameter table(String name, Init init, long rows, long width) {
    return register(name, init, true, rows, width);
  }

  private Parameter register(String name, Init init, boolean rowSparse, long... shape) {
    // No shape on the DJL parameter: its array is set once from our own seeded initializer (DJL allows one or the other).
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    addParameter(p);
    ownParameters.put(name, new NamedParameter(name, p, new Shape(shape), init, rowSparse));
    return p;
  }

  protected final <M extends Module> M child(String name, M module) {
    addChildBlock(name, module);
    ownChildren.put(name, module);
    return module;
  }

  /**
   * Gives every parameter of this subtree its initial array: values drawn from a stream seeded by (seed, dotted
   * name), so a parameter's start does not depend on which other parts the model has.
   */
  public final void initializeParameters(NDManager manager, long seed) {
    initializeParameters(manager, seed, DataType.FLOAT32);
  }

  /** As {@link #initializeParameters(NDManager, long)} in another precision (float64 serves gradient checks). */
  public final void initializeParameters(NDManager manager, long seed, DataType dataType) {
    initializeParameters(manager, seed, dataType, true);
  }

  /**
   * As above; with {@code tables} false the embedding tables get an empty (0, width) array instead: their rows are held
   * elsewhere (sharded training), and a 10^8-row table must not be allocated even once.
   */
  public final void initializeParameters(NDManager manager, long seed, DataType dataType, boolean tables) {
    for (NamedParameter p : namedParameters().values()) {
      if (p.rowSparse() && !tables) {
        p.parameter().setArray(manager.zeros(new Shape(0, p.shape().get(1)), dataType));
        continue;
      }
      float[] values = p.init().sample(Math.toIntExact(p.shape().size()), SplitMix64.forName(seed, p.name()));
      NDArray array = manager.create(values, p.shape());
      p.parameter().setArray(dataType == DataType.FLOAT32 ? array : array.toType(dataType, false));
    }
  }

  /** Every parameter of this subtree by dotted name, in declaration order (depth first). */
  public final Map<String, NamedParameter> namedParameters() {
    Map<String, NamedParameter> out = new LinkedHashMap<>();
    collect("", out);
    return out;
  }

  private void collect(String prefix, Map<String, NamedParameter> out) {
    for (NamedParameter p : ownParameters.values()) {
      String name = prefix + p.name();
      out.put(name, new NamedParameter(name, p.parameter(), p.shape(), p.init(), p.rowSparse()));
    }
    for (Map.Entry<String, Module> c : ownChildren.entrySet()) c.getValue().collect(prefix + c.getKey() + ".", out);
  }
}
