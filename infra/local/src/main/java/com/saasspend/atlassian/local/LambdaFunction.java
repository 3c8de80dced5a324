package com.saasspend.atlassian.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * One function of the template, invoked as the Lambda Java runtime does: the handler class is loaded by name and
 * built with its public no-arg constructor (so it reads its configuration from the environment), the JSON payload is
 * deserialized to the handler method's declared input type with the runtime's own serializers, and the result
 * serialized back to JSON. Like Lambda, an instance serves one invocation at a time; concurrent invocations get
 * more instances (each a "cold start", logged with its init time).
 */
public final class LambdaFunction {

    /** The function threw (or could not initialize): Lambda's error payload fields. */
    public static class InvocationFailure extends Exception {
        private final String errorType;

        InvocationFailure(String errorType, String message, Throwable cause) {
            super(message, cause);
            this.errorType = errorType;
        }

        public String errorType() {
            return errorType;
        }
    }

    /**
     * The function ran past its template timeout and was stopped there, as Lambda stops it: what it did until then
     * stays done, nothing after runs, and its instance is never used again (Lambda resets the execution environment).
     */
    public static final class TimedOut extends InvocationFailure {
        TimedOut(int timeoutSeconds) {
            super("Sandbox.Timedout", "Task timed out after " + timeoutSeconds + ".00 seconds", null);
        }
    }

    /** How long a stopped invocation may take to unwind before it is reported as still running. */
    private static final long UNWIND_MILLIS = 2_000;

    private final SamFunction definition;
    private final String functionName;
    private final String functionArn;
    private final ClassLoader loader;
    /** Null: instances come from the handler's public no-arg constructor, as in Lambda. */
    private final Supplier<?> instances;
    private final Deque<Object> idleInstances = new ConcurrentLinkedDeque<>();
    private volatile Handler handler;

    private record Handler(Class<?> type, Method method, PojoSerializer<Object> input, PojoSerializer<Object> output,
                           boolean stream, boolean takesContext) {}

    public LambdaFunction(SamFunction definition, String functionName, String functionArn, ClassLoader loader) {
        this(definition, functionName, functionArn, loader, null);
    }

    /**
     * The same function, its instances built by {@code instances} instead of the no-arg constructor: the benchmarks run
     * the real handler on their metered clients, still invoked, timed out and serialized as Lambda does.
     */
    public LambdaFunction(SamFunction definition, String functionName, String functionArn, Supplier<?> instances) {
        this(definition, functionName, functionArn, LambdaFunction.class.getClassLoader(), instances);
    }

    private LambdaFunction(SamFunction definition, String functionName, String functionArn, ClassLoader loader, Supplier<?> instances) {
        this.definition = definition;
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.loader = loader;
        this.instances = instances;
    }

    public SamFunction definition() {
        return definition;
    }

    /** The function's ARN (unqualified), as !GetAtt Function.Arn gives it. */
    public String functionArn() {
        return functionArn;
    }

    /**
     * Invokes with a JSON payload; answers the JSON result ("null" for void or null). The handler runs on a thread of
     * its own and is stopped at the template's timeout ({@link TimedOut}), so a local run cannot do what Lambda would
     * have cut off.
     */
    public String invoke(String payloadJson, String requestId) throws InvocationFailure {
        Handler h = handler();
        long timeoutMillis = definition.timeoutSeconds() * 1000L;
        Invocation invocation = new Invocation();
        Thread thread = new Thread(() -> invocation.run(h, payloadJson, requestId), "lambda-" + definition.logicalId() + "-" + requestId);
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            // The caller gave up (the stack is stopping): the invocation is stopped with it.
            stop(thread, invocation);
            Thread.currentThread().interrupt();
            throw new InvocationFailure("Runtime.Interrupted", "the local stack stopped the invocation", e);
        }
        if (thread.isAlive()) {
            stop(thread, invocation);
            InvocationLog.info(definition.logicalId() + " stopped at its " + definition.timeoutSeconds() + " s timeout (request " + requestId + ")");
            throw new TimedOut(definition.timeoutSeconds());
        }
        if (invocation.failure != null) {
            throw invocation.failure;
        }
        return invocation.result;
    }

    /** One invocation's outcome, written by its thread and read after that thread ended. */
    @SuppressWarnings({"deprecation", "removal"})
    private final class Invocation {
        private volatile boolean stopped;
        private volatile Object instance;
        private volatile String result;
        private volatile InvocationFailure failure;

        void run(Handler h, String payloadJson, String requestId) {
            try {
                result = call(h, payloadJson, requestId, this);
            } catch (InvocationFailure e) {
                failure = e;
            } catch (ThreadDeath stoppedAtTimeout) {
                throw stoppedAtTimeout;
            } catch (RuntimeException | Error e) {
                failure = new InvocationFailure(e.getClass().getName(), String.valueOf(e.getMessage()), e);
            }
        }
    }

    /**
     * Stops a timed-out invocation as Lambda does: at once, wherever it is. The thread is interrupted and stopped
     * (Thread.stop still works on Java 17, the runtime of template.yaml; where it does not, the interrupt alone stops
     * blocking calls and the AWS SDK's next request). Its instance is dropped, never reused.
     */
    @SuppressWarnings({"deprecation", "removal"})
    private void stop(Thread thread, Invocation invocation) {
        invocation.stopped = true;
        thread.interrupt();
        try {
            thread.stop();
        } catch (UnsupportedOperationException newerJava) {
            // Java 20+: only the interrupt applies.
        }
        try {
            thread.join(UNWIND_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (invocation.instance != null) {
            idleInstances.remove(invocation.instance);
        }
        if (thread.isAlive()) {
            InvocationLog.info(definition.logicalId() + ": the stopped invocation " + thread.getName() + " is still unwinding");
        }
    }

    private String call(Handler h, String payloadJson, String requestId, Invocation invocation) throws InvocationFailure {
        Object instance = Modifier.isStatic(h.method().getModifiers()) ? null : borrow(h);
        invocation.instance = instance;
        try {
            Context context = new LocalLambdaContext(requestId, functionName, functionArn, definition.memoryMb(),
                    definition.timeoutSeconds());
            if (h.stream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                InputStream in = new ByteArrayInputStream(payloadJson.getBytes(StandardCharsets.UTF_8));
                call(h, instance, h.takesContext() ? new Object[] {in, out, context} : new Object[] {in, out});
                return out.toString(StandardCharsets.UTF_8);
            }
            Object[] args;
            if (h.method().getParameterCount() == 0) {
                args = new Object[0];
            } else {
                Object input = h.input().fromJson(payloadJson);
                args = h.takesContext() ? new Object[] {input, context} : new Object[] {input};
            }
            Object result = call(h, instance, args);
            if (result == null || h.output() == null) {
                return "null";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            h.output().toJson(result, out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            if (instance != null && !invocation.stopped) {
                idleInstances.push(instance);
            }
        }
    }

    private static Object call(Handler h, Object instance, Object[] args) throws InvocationFailure {
        try {
            return h.method().invoke(instance, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new InvocationFailure(cause.getClass().getName(), String.valueOf(cause.getMessage()), cause);
        } catch (IllegalAccessException e) {
            throw new InvocationFailure(e.getClass().getName(), e.getMessage(), e);
        }
    }

    private Object borrow(Handler h) throws InvocationFailure {
        Object idle = idleInstances.poll();
        if (idle != null) {
            return idle;
        }
        long started = System.nanoTime();
        try {
            Object instance = instances != null ? instances.get() : h.type().getConstructor().newInstance();
            InvocationLog.coldStart(definition.logicalId(), (System.nanoTime() - started) / 1_000_000);
            return instance;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new InvocationFailure("Runtime.InitError", "init of " + h.type().getName() + " failed: " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new InvocationFailure("Runtime.InitError", h.type().getName() + " has no public no-arg constructor", e);
        }
    }

    private Handler handler() throws InvocationFailure {
        Handler h = handler;
        if (h == null) {
            synchronized (this) {
                if (handler == null) {
                    handler = resolve();
                }
                h = handler;
            }
        }
        return h;
    }

    /** Finds the handler method as the Lambda runtime does: by name, not a bridge, most parameters first. */
    private Handler resolve() throws InvocationFailure {
        Class<?> type;
        try {
            type = Class.forName(definition.handlerClass(), true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvocationFailure("Runtime.ImportModuleError", "Class not found: " + definition.handlerClass(), e);
        }
        Method method = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(definition.handlerMethod()) && !m.isBridge() && !m.isSynthetic())
                .filter(m -> m.getParameterCount() <= 3)
                .max(Comparator.comparingInt(Method::getParameterCount))
                .orElseThrow(() -> new InvocationFailure("Runtime.HandlerNotFound",
                        "No public method " + definition.handler() + " with (input[, Context])", null));
        Class<?>[] params = method.getParameterTypes();
        boolean stream = params.length >= 2 && InputStream.class.isAssignableFrom(params[0]) && OutputStream.class.isAssignableFrom(params[1]);
        boolean takesContext = params.length > 0 && Context.class.isAssignableFrom(params[params.length - 1]);
        PojoSerializer<Object> input = stream || params.length == 0 || (params.length == 1 && takesContext) ? null
                : serializerFor(method.getGenericParameterTypes()[0]);
        PojoSerializer<Object> output = stream || method.getReturnType() == void.class || method.getReturnType() == Void.class ? null
                : serializerFor(method.getGenericReturnType());
        return new Handler(type, method, input, output, stream, takesContext);
    }

    /** The runtime's rule: aws-lambda-java-events types with mixins get their own serializer, the rest Jackson's. */
    @SuppressWarnings("unchecked")
    private PojoSerializer<Object> serializerFor(Type type) {
        if (type instanceof Class<?> cls && LambdaEventSerializers.isLambdaSupportedEvent(cls.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(cls, loader);
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** Builds one instance ahead of the first invocation, so its init time and init errors show at start. */
    public void prewarm() {
        try {
            Handler h = handler();
            if (!Modifier.isStatic(h.method().getModifiers())) {
                idleInstances.push(borrow(h));
            }
        } catch (InvocationFailure e) {
            InvocationLog.info(definition.logicalId() + " cannot start: " + e.getMessage());
        }
    }
}
