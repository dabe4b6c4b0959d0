package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link LocalFirehose} for JUnit 5 tests.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("orders"));
 *
 * @Test
 * void sends(LocalFirehose firehose) { ... firehose.records("orders") ... }
 * }</pre>
 *
 * <p>In a {@code static} field the server starts once for the class; in an instance field, once per test. Before
 * each test the server is {@link LocalFirehose#reset() reset}: captures, scripted faults and the fault plan are
 * cleared. Test methods and constructors may declare a {@link LocalFirehose} parameter.
 */
@API(status = STABLE, since = "0.1.0")
public final class LocalFirehoseExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final Consumer<LocalFirehoseBuilder> configuration;
    private @Nullable LocalFirehose server;
    private boolean perTest;

    /** Serves one stream named {@code local-stream}. */
    public LocalFirehoseExtension() {
        this(builder -> {});
    }

    /**
     * @param configuration configures the server before it starts
     */
    public LocalFirehoseExtension(Consumer<LocalFirehoseBuilder> configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /**
     * @return the running server
     * @throws IllegalStateException outside a test
     */
    public LocalFirehose server() {
        LocalFirehose running = server;
        if (running == null) {
            throw new IllegalStateException("LocalFirehose is not running: use it from a test or lifecycle method");
        }
        return running;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            server = start();
            perTest = true;
        } else {
            server.reset();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
            perTest = false;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == LocalFirehose.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        if (server == null) {
            server = start();
            perTest = true;
        }
        return server();
    }

    private LocalFirehose start() {
        LocalFirehoseBuilder builder = LocalFirehose.builder();
        configuration.accept(builder);
        return builder.start();
    }

    private void stop() {
        LocalFirehose running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }
}
