package com.saasspend.atlassian.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM and returns its "RESULT ..." line, with the time from launch to that line. */
public final class ChildJvm {
    public record Outcome(String result, long millisToResult, List<String> output) {}

    private ChildJvm() {}

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static Outcome run(List<String> jvmOptions, String classpath, String mainClass, List<String> args,
                              Map<String, String> env, long timeoutSeconds) {
        return run(jvmOptions, classpath, mainClass, args, env, timeoutSeconds, line -> {});
    }

    /** {@code onLine} sees every line the child prints, as it prints it. */
    public static Outcome run(List<String> jvmOptions, String classpath, String mainClass, List<String> args,
                              Map<String, String> env, long timeoutSeconds, java.util.function.Consumer<String> onLine) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        List<String> output = new ArrayList<>();
        String result = null;
        long millis = -1;
        try {
            long t0 = System.nanoTime();
            Process process = builder.start();
            // A hung child must not hang the benchmark: it is killed after the timeout (its output then ends).
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException ignored) {
                    // the child finished first
                }
            }, "child-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    onLine.accept(line);
                    if (line.startsWith("RESULT ") && result == null) {
                        millis = (System.nanoTime() - t0) / 1_000_000;
                        result = line.substring("RESULT ".length());
                    }
                    output.add(line);
                }
            }
            process.waitFor();
            watchdog.interrupt();
            if (result == null) {
                throw new IllegalStateException(mainClass + " " + args + " printed no result (exit " + process.exitValue() + "); last lines:\n"
                        + String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size())));
            }
            return new Outcome(result, millis, output);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** This JVM's own classpath (the bench jar when run by infra/scripts/bench). */
    public static String ownClasspath() {
        return System.getProperty("java.class.path");
    }

    static String join(String... entries) {
        return String.join(File.pathSeparator, entries);
    }
}
