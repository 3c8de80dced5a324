package com.saasspend.integration.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * The slf4j binding of the jar: the AWS SDK's log lines (retries, clock skew, deprecations) become our JSON lines,
 * with the invocation's context, the level threshold of {@code AWS_LAMBDA_LOG_LEVEL} and the secret redaction. Three
 * small classes instead of slf4j-simple (plain text on stderr, no context) or a logging framework.
 */
public final class LogServiceProvider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = new Loggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override public ILoggerFactory getLoggerFactory() { return loggers; }
    @Override public IMarkerFactory getMarkerFactory() { return markers; }
    @Override public MDCAdapter getMDCAdapter() { return mdc; }
    @Override public String getRequestedApiVersion() { return "2.0.99"; }
    @Override public void initialize() {}

    private static final class Loggers implements ILoggerFactory {
        private final Map<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, Bridge::new);
        }
    }

    /** One slf4j logger writing through {@link Log}. */
    static final class Bridge extends LegacyAbstractLogger {
        private final transient Log log;

        Bridge(String name) {
            this.name = name;
            this.log = Log.named(name);
        }

        @Override public boolean isTraceEnabled() { return Log.enabled(Log.Level.DEBUG); }
        @Override public boolean isDebugEnabled() { return Log.enabled(Log.Level.DEBUG); }
        @Override public boolean isInfoEnabled() { return Log.enabled(Log.Level.INFO); }
        @Override public boolean isWarnEnabled() { return Log.enabled(Log.Level.WARN); }
        @Override public boolean isErrorEnabled() { return Log.enabled(Log.Level.ERROR); }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable error) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            Log.Level ours = switch (level) {
                case TRACE, DEBUG -> Log.Level.DEBUG;
                case INFO -> Log.Level.INFO;
                case WARN -> Log.Level.WARN;
                case ERROR -> Log.Level.ERROR;
            };
            log.log(ours, message, error);
        }
    }
}
