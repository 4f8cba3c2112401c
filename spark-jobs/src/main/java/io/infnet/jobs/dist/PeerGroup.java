package io.infnet.jobs.dist;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A full mesh of TCP connections between the W workers of one training run: one outgoing socket to every
 * other worker and one incoming socket from each. Workers talk to each other directly, so nothing funnels
 * through the Spark driver; the driver only helps them find each other (addresses exchanged up front).
 *
 * <p>{@link #exchange} sends one message to every peer concurrently (one sender thread per peer, so two
 * workers sending large messages to each other cannot deadlock on full socket buffers) and reads one
 * message from every peer in rank order.
 */
public final class PeerGroup implements AutoCloseable {
  private static final int HELLO = 0x1AF0_0001;

  private final int rank;
  private final int size;
  private final ServerSocket server;
  private final DataOutputStream[] out;
  private final DataInputStream[] in;
  private final List<Socket> sockets = new ArrayList<>();
  private final ExecutorService senders;
  private long sequence;

  private PeerGroup(int rank, int size, ServerSocket server) {
    this.rank = rank;
    this.size = size;
    this.server = server;
    this.out = new DataOutputStream[size];
    this.in = new DataInputStream[size];
    this.senders = Executors.newFixedThreadPool(Math.max(1, size - 1), r -> {
      Thread t = new Thread(r, "infnet-peer-send-" + rank);
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens this worker's listening socket; its address must reach the others before {@link #connect}. */
  public static ServerSocket listen(String host) throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(host, 0));
    return s;
  }

  /** Connects to every peer ("host:port" by rank) and accepts their connections. */
  public static PeerGroup connect(int rank, List<String> addresses, ServerSocket server, int timeoutMillis,
      int readTimeoutMillis) throws IOException {
    PeerGroup g = new PeerGroup(rank, addresses.size(), server);
    try {
      for (int peer = 0; peer < g.size; peer++) {
        if (peer == rank) continue;
        String[] hp = addresses.get(peer).split(":");
        Socket s = connectWithRetry(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), timeoutMillis);
        g.sockets.add(s);
        g.out[peer] = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
        g.out[peer].writeInt(HELLO);
        g.out[peer].writeInt(rank);
        g.out[peer].flush();
      }
      server.setSoTimeout(timeoutMillis);
      for (int accepted = 0; accepted < g.size - 1; accepted++) {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        s.setSoTimeout(readTimeoutMillis); // a dead peer fails the step instead of hanging the run
        g.sockets.add(s);
        DataInputStream din = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        if (din.readInt() != HELLO) throw new IOException("unexpected connection to training worker " + rank);
        int peer = din.readInt();
        if (peer < 0 || peer >= g.size || peer == rank || g.in[peer] != null) throw new IOException("bad peer rank " + peer);
        g.in[peer] = din;
      }
      return g;
    } catch (IOException | RuntimeException e) {
      g.close();
      throw e;
    }
  }

  private static Socket connectWithRetry(InetSocketAddress address, int timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.connect(address, Math.max(1, (int) Math.min(timeoutMillis, 5000)));
        return s;
      } catch (IOException e) {
        s.close();
        if (System.currentTimeMillis() > deadline) throw new IOException("cannot reach training worker at " + address, e);
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while connecting to " + address, ie);
        }
      }
    }
  }

  public int rank() {
    return rank;
  }

  public int size() {
    return size;
  }

  /** Writes one message to a peer. */
  public interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads one message from a peer. */
  public interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  /**
   * Sends {@code messageFor.apply(peer)} to every other worker and returns what each sent us, indexed by rank
   * (our own slot is null). Messages carry a sequence number so that workers out of step fail loudly.
   */
  public <T> List<T> exchange(Function<Integer, Writer> messageFor, Reader<T> reader) throws IOException {
    long seq = ++sequence;
    List<Future<?>> sends = new ArrayList<>();
    for (int peer = 0; peer < size; peer++) {
      if (peer == rank) continue;
      DataOutputStream o = out[peer];
      Writer w = messageFor.apply(peer);
      sends.add(senders.submit(() -> {
        o.writeLong(seq);
        w.write(o);
        o.flush();
        return null;
      }));
    }
    List<T> received = new ArrayList<>(size);
    for (int peer = 0; peer < size; peer++) {
      if (peer == rank) {
        received.add(null);
        continue;
      }
      try {
        long got = in[peer].readLong();
        if (got != seq) throw new IOException("worker " + peer + " is at exchange " + got + ", worker " + rank + " at " + seq);
        received.add(reader.read(in[peer]));
      } catch (SocketTimeoutException e) {
        throw new IOException("training worker " + peer + " did not answer worker " + rank + " in time", e);
      } catch (EOFException | SocketException e) {
        throw new IOException("training worker " + peer + " closed its connection to worker " + rank
            + " (it died or was stopped)", e);
      }
    }
    for (Future<?> f : sends) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IOException("sending to a training worker failed: " + e.getCause().getMessage(), e.getCause());
      }
    }
    return received;
  }

  @Override
  public void close() {
    senders.shutdownNow();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing: nothing left to tell the peer
      }
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
