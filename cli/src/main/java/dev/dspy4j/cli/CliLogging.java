package dev.dspy4j.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The command's SLF4J backend: library warnings (a cache that cannot write, a corrupted cache
 * entry, a retried request) go to the command's stderr, each <em>cause</em> once per command
 * (a cause is the logging class plus the message template plus the exception's class, so 200
 * failed cache writes print one line, not 200). {@code --quiet} keeps errors only;
 * {@code --verbose} prints every warning, info and debug line as it comes.
 *
 * <p>Hand-written rather than slf4j-simple because "once per cause" needs the message template
 * before its arguments are filled in, which only a backend sees; the formatting itself is SLF4J's
 * {@link MessageFormatter}. Registered through {@code META-INF/services}.
 */
public final class CliLogging implements SLF4JServiceProvider {

    /** How much the command prints. */
    enum Verbosity {
        /** Errors only ({@code --quiet}). */
        QUIET,
        /** Errors, and each warning once per cause (the default). */
        NORMAL,
        /** Every line of every level ({@code --verbose}). */
        VERBOSE
    }

    private static volatile Verbosity verbosity = Verbosity.NORMAL;
    // the charset a PrintWriter over System.err has always used here, now named
    private static volatile PrintWriter sink = new PrintWriter(System.err, true, Charset.defaultCharset());
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static final AtomicLong SUPPRESSED = new AtomicLong();

    /** Sends log lines to {@code err} at {@code v}, and forgets the causes already printed. */
    static void configure(PrintWriter err, Verbosity v) {
        sink = err;
        verbosity = v;
        SEEN.clear();
        SUPPRESSED.set(0);
    }

    /** Warnings not printed since {@link #configure} because their cause had been printed already. */
    static long suppressed() {
        return SUPPRESSED.get();
    }

    static boolean enabled(Level level) {
        switch (verbosity) {
            case QUIET:
                return level == Level.ERROR;
            case VERBOSE:
                return true;
            default:
                return level == Level.ERROR || level == Level.WARN;
        }
    }

    static void log(String logger, Level level, String pattern, Object[] args, Throwable t) {
        if (!enabled(level)) return;
        if (verbosity != Verbosity.VERBOSE) {
            Throwable cause = t;
            if (cause == null && args != null && args.length > 0 && args[args.length - 1] instanceof Throwable last) {
                cause = last;
            }
            String key = logger
                    + '\u0000'
                    + pattern
                    + '\u0000'
                    + (cause == null ? "" : cause.getClass().getName());
            if (!SEEN.add(key)) {
                SUPPRESSED.incrementAndGet();
                return;
            }
        }
        String text = MessageFormatter.basicArrayFormat(pattern, args);
        StringBuilder line = new StringBuilder(
                level == Level.ERROR
                        ? "error: "
                        : level == Level.WARN ? "warning: " : level.name().toLowerCase(java.util.Locale.ROOT) + ": ");
        line.append(text);
        if (t != null) line.append(" (").append(t).append(')');
        if (verbosity == Verbosity.VERBOSE) line.append("  [").append(logger).append(']');
        PrintWriter w = sink;
        synchronized (w) {
            w.println(line);
            w.flush();
        }
    }

    private final ILoggerFactory factory = new Factory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: the sink and verbosity are set per command
    }

    private static final class Factory implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, CliLogger::new);
        }
    }

    private static final class CliLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        CliLogger(String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            log(name, level, pattern, args, t);
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }
    }
}
