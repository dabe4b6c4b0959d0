package io.securefirehose;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP listener on loopback that speaks no protocol: it accepts connections, keeps the first bytes of each and
 * counts every byte received, until closed. Tests point endpoint-override settings at it ({@link #httpUri()}) and
 * assert that nothing arrived, or read the TLS ClientHello a client sent it. Each connection is read for at most
 * five seconds; the accept loop ends with {@link #close()}.
 */
public final class PlainListener implements AutoCloseable {

    private static final int KEPT_PER_CONNECTION = 16 * 1024;

    private final ServerSocket server;
    private final AtomicLong bytes = new AtomicLong();
    private final List<byte[]> firstBytes = new ArrayList<>();
    private final Thread acceptor;

    private PlainListener(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptUntilClosed, "plain-listener-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return a listener on 127.0.0.1 and a free port */
    public static PlainListener start() {
        try {
            return new PlainListener(new ServerSocket(0, 16, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** @return the port */
    public int port() {
        return server.getLocalPort();
    }

    /** @return bytes received on all connections so far */
    public long bytesReceived() {
        return bytes.get();
    }

    /** @return the first bytes of each connection that sent any, in the order they arrived */
    public synchronized List<byte[]> firstBytes() {
        return List.copyOf(firstBytes);
    }

    private void acceptUntilClosed() {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                read(connection);
            } catch (IOException e) {
                // Closed, or the peer went away: the loop condition decides.
            }
        }
    }

    private void read(Socket connection) throws IOException {
        connection.setSoTimeout(5_000);
        InputStream in = connection.getInputStream();
        byte[] kept = new byte[KEPT_PER_CONNECTION];
        int length = 0;
        byte[] chunk = new byte[4096];
        try {
            for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                bytes.addAndGet(n);
                int keep = Math.min(n, kept.length - length);
                System.arraycopy(chunk, 0, kept, length, keep);
                length += keep;
                if (length >= 5 && length >= 5 + (((kept[3] & 0xff) << 8) | (kept[4] & 0xff))) {
                    break; // a whole first TLS record (or enough of anything else): the test has what it needs
                }
            }
        } catch (SocketTimeoutException e) {
            // The client sent what it was going to send.
        }
        if (length > 0) {
            synchronized (this) {
                firstBytes.add(Arrays.copyOf(kept, length));
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
