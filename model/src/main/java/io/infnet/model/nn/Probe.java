package io.infnet.model.nn;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Activation statistics of a forward pass, by dotted name: how peaked each cross-attention is, how much gates and
 * tokens vary from sample to sample. Diagnostics only (docs/ACCURACY.md): layers call it, {@link #OFF} ignores it.
 */
public interface Probe {
  Probe OFF = new Probe() {
    @Override
    public void attention(String name, NDArray probs, NDArray keyMask) {}

    @Override
    public void tokens(String name, NDArray tokens) {}

    @Override
    public Probe scoped(String scope) {
      return this;
    }
  };

  /** @param probs (B, queries, n) attention probabilities; @param keyMask (B, n) or null */
  void attention(String name, NDArray probs, NDArray keyMask);

  /** @param tokens (B, n, d) or (B, d): one value per sample and channel (token) */
  void tokens(String name, NDArray tokens);

  Probe scoped(String scope);

  /** Accumulates mean statistics over every pass it sees. */
  final class Recorder implements Probe {
    private final String prefix;
    private final Map<String, double[]> sums; // name -> {sum, count}

    public Recorder() {
      this("", new LinkedHashMap<>());
    }

    private Recorder(String prefix, Map<String, double[]> sums) {
      this.prefix = prefix;
      this.sums = sums;
    }

    @Override
    public Probe scoped(String scope) {
      return new Recorder(prefix + scope + ".", sums);
    }

    /**
     * Normalised entropy H(p)/ln(n) of each query's distribution over its real keys (1 = uniform, i.e. mean
     * pooling; 0 = one key), averaged over samples and queries with at least two real keys.
     */
    @Override
    public void attention(String name, NDArray probs, NDArray keyMask) {
      long n = probs.getShape().get(2);
      NDArray entropy = probs.mul(probs.add(1e-12f).log()).sum(new int[] {2}).neg();            // (B, q)
      NDArray realKeys = keyMask == null ? entropy.onesLike().mul((float) n) : keyMask.sum(new int[] {1}, true); // (B, 1)
      NDArray usable = realKeys.gte(2f).toType(entropy.getDataType(), false).broadcast(entropy.getShape());
      NDArray normalised = entropy.div(realKeys.maximum(2f).log()).mul(usable);
      add("attention_entropy:" + name, normalised.sum().getFloat(), usable.sum().getFloat());
    }

    /**
     * RMS of the values, and their spread across samples relative to it: std over the batch per channel, averaged,
     * divided by the RMS. Near 0 = (almost) the same for every sample: nothing downstream can tell samples apart.
     */
    @Override
    public void tokens(String name, NDArray tokens) {
      NDArray flat = tokens.reshape(tokens.getShape().get(0), -1);
      double rms = Math.sqrt(flat.square().mean().getFloat());
      NDArray centred = flat.sub(flat.mean(new int[] {0}, true));
      double spread = centred.square().mean(new int[] {0}).sqrt().mean().getFloat();
      add("rms:" + name, rms, 1);
      add("sample_spread:" + name, rms == 0 ? 0 : spread / rms, 1);
    }

    private void add(String name, double sum, double count) {
      double[] s = sums.computeIfAbsent(prefix.isEmpty() ? name : name.replaceFirst(":", ":" + prefix), k -> new double[2]);
      s[0] += sum;
      s[1] += count;
    }

    /** Mean of every statistic, by "statistic:dotted.name". */
    public Map<String, Double> means() {
      Map<String, Double> out = new LinkedHashMap<>();
      sums.forEach((k, s) -> out.put(k, s[1] == 0 ? Double.NaN : s[0] / s[1]));
      return out;
    }
  }
}
