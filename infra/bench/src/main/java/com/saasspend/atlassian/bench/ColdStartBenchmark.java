package com.saasspend.atlassian.bench;

import com.saasspend.integration.domain.sync.SyncResult;
import com.saasspend.integration.domain.sync.SyncOutcome;
import com.saasspend.atlassian.sim.WorldSeed;
import com.saasspend.integration.domain.sync.AtlassianOrgSync;
import com.saasspend.integration.domain.sync.Budget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figure 5, the cold-start stand-in: fresh JVMs on functions.jar (plus the probe class) doing init and the first
 * invocation of the connect handler (a real connect of a new tenant against the simulator and moto), of GET /licenses
 * (a tenant whose demo org was synced beforehand) and of a do-nothing handler, interleaved in each round so that the
 * ratio's two sides share the machine's conditions. Time is from launching the JVM to the probe's result line.
 */
public final class ColdStartBenchmark {
    /** What the JVM picks by itself below 2 GB of memory, as on Lambda's 512 MB-1 GB functions. */
    static final List<String> PROBE_JVM = List.of("-XX:+UseSerialGC");
    /** Unprimed cold starts (init + first invocation), their primed counterparts, and the org sync worker. */
    static final List<String> KINDS = List.of("nothing", "connect", "licenses", "connect-primed", "licenses-primed",
            "connect-warm", "licenses-warm", "sync", "sync-warm");
    static final List<String> UNPRIMED = List.of("nothing", "connect", "licenses");
    static final List<String> PRIMED = List.of("connect-primed", "licenses-primed");

    /** {@code cpuMillis}: the child JVM's CPU time up to its answer (all threads), -1 where the JVM does not say. */
    public record Sample(String kind, long launchToResultMillis, long initMillis, long invokeMillis, long uptimeMillis,
                        int loadedClasses, int status, long primingMillis, long cpuMillis) {}

    /** Where loaded classes come from, for one run of each handler with -verbose:class (not timed). */
    static final Map<String, String> ORIGINS = originPrefixes();

    /**
     * Another build's functions.jar (e.g. the commit before a change) timed beside this one: {@code label} names it in
     * the report, {@code probeClasspath} is that jar plus the same probe classes.
     */
    public record BaselineJar(String label, Path jar, String probeClasspath) {}

    /**
     * The baseline's samples of the unprimed kinds, round by round beside this build's; per kind, the classes (by
     * package) one build loads and the other does not, from one untimed {@code -verbose:class} run of each.
     */
    public record Baseline(String label, long jarBytes, Map<String, List<Sample>> byKind,
                           Map<String, Map<String, Integer>> onlyThisBuild, Map<String, Map<String, Integer>> onlyBaseline) {
        Stats stat(String kind, java.util.function.ToLongFunction<Sample> field) {
            return Stats.of(byKind.get(kind).stream().map(s -> field.applyAsLong(s)).toList());
        }
    }

    public record Result(Map<String, List<Sample>> byKind, long jarBytes, Map<String, Map<String, Integer>> classOrigins,
                         Baseline baseline) {
        Stats stat(String kind, java.util.function.ToLongFunction<Sample> field) {
            return Stats.of(byKind.get(kind).stream().map(s -> field.applyAsLong(s)).toList());
        }

        /** Per round, this build over the baseline, of {@code field} (launch to answer, CPU): both sides from the same round. */
        Stats baselineRatio(String kind, java.util.function.ToLongFunction<Sample> field) {
            List<Double> ratios = new ArrayList<>();
            List<Sample> before = baseline.byKind().get(kind);
            List<Sample> now = byKind.get(kind);
            for (int i = 0; i < now.size(); i++) {
                ratios.add((double) field.applyAsLong(now.get(i)) / field.applyAsLong(before.get(i)));
            }
            return Stats.of(ratios);
        }

        /**
         * The restored-snapshot stand-in, per round: a restore is stood in for by the do-nothing handler's whole cold
         * start (a JVM brought to a handler that answers), plus the primed handler's first invocation; over the
         * do-nothing handler's cold start of the same round.
         */
        Stats restoredRatio(String primedKind) {
            List<Double> ratios = new ArrayList<>();
            List<Sample> baseline = byKind.get("nothing");
            List<Sample> measured = byKind.get(primedKind);
            for (int i = 0; i < measured.size(); i++) {
                long nothing = baseline.get(i).launchToResultMillis();
                ratios.add((double) (nothing + measured.get(i).invokeMillis()) / nothing);
            }
            return Stats.of(ratios);
        }

        /** Per round, handler over do-nothing: both sides from the same round. */
        Stats ratio(String kind) {
            List<Double> ratios = new ArrayList<>();
            List<Sample> baseline = byKind.get("nothing");
            List<Sample> measured = byKind.get(kind);
            for (int i = 0; i < measured.size(); i++) {
                ratios.add((double) measured.get(i).launchToResultMillis() / baseline.get(i).launchToResultMillis());
            }
            return Stats.of(ratios);
        }
    }

    private static Map<String, String> originPrefixes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("software.amazon.awssdk.", "AWS SDK");
        m.put("com.fasterxml.jackson.", "Jackson");
        m.put("com.saasspend.", "product (and probe)");
        m.put("com.amazonaws.services.lambda.", "Lambda events and core");
        for (String jdk : List.of("java.", "javax.", "jdk.", "sun.", "com.sun.")) {
            m.put(jdk, "JDK");
        }
        return m;
    }

    /** Counts "[class,load] name source: ..." lines by origin. */
    static Map<String, Integer> classOrigins(List<String> lines) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        ORIGINS.values().forEach(o -> counts.put(o, 0));
        counts.put("other", 0);
        for (String line : lines) {
            int at = line.indexOf("[class,load] ");
            if (at < 0) {
                continue;
            }
            String name = line.substring(at + "[class,load] ".length()).split(" ", 2)[0];
            String origin = ORIGINS.entrySet().stream().filter(e -> name.startsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("other");
            counts.merge(origin, 1, Integer::sum);
        }
        return counts;
    }

    /** The class names of "[class,load] name source: ..." lines (lambda forms and hidden classes left out: their names vary by run). */
    static java.util.Set<String> loadedClasses(List<String> lines) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String line : lines) {
            int at = line.indexOf("[class,load] ");
            if (at >= 0) {
                String name = line.substring(at + "[class,load] ".length()).split(" ", 2)[0];
                if (!name.contains("$$Lambda") && !name.contains("/0x") && !name.startsWith("java.lang.invoke.LambdaForm$")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Class counts by package, largest first. */
    static Map<String, Integer> byPackage(List<String> classes) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (String name : classes) {
            int dot = name.lastIndexOf('.');
            counts.merge(dot < 0 ? "(default)" : name.substring(0, dot), 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    public static Result measure(Path functionsJar, String probeClasspath, int rounds) {
        return measure(functionsJar, probeClasspath, rounds, null);
    }

    /**
     * {@code baselineJar} (null: none): the unprimed kinds are also run on that jar, each right beside this build's
     * sample of the same kind and round, the order of the two alternating by round so neither side always goes first.
     */
    public static Result measure(Path functionsJar, String probeClasspath, int rounds, BaselineJar baselineJar) {
        try (OrgUnderTest org = new OrgUnderTest(WorldSeed.demo(), false)) {
            String licensesTenant = "bench-cold-licenses";
            org.connect(licensesTenant);
            SyncResult synced = org.meteredSync().run(licensesTenant, Budget.unlimited());
            if (synced.outcome() != SyncOutcome.COMPLETED) {
                throw new IllegalStateException("the licenses tenant's sync ended " + synced.outcome());
            }
            Map<String, String> env = org.aws.env(org.sim.baseUrl());
            Map<String, List<Sample>> byKind = new LinkedHashMap<>();
            KINDS.forEach(k -> byKind.put(k, new ArrayList<>()));
            Map<String, List<Sample>> baselineByKind = new LinkedHashMap<>();
            UNPRIMED.forEach(k -> baselineByKind.put(k, new ArrayList<>()));
            for (int round = 1; round <= rounds; round++) {
                for (String kind : KINDS) {
                    boolean beside = baselineJar != null && UNPRIMED.contains(kind);
                    boolean baselineFirst = beside && round % 2 == 0;
                    if (baselineFirst) {
                        baselineByKind.get(kind).add(sample(kind, round, licensesTenant, baselineJar.probeClasspath(), env, baselineJar.label()));
                    }
                    byKind.get(kind).add(sample(kind, round, licensesTenant, probeClasspath, env, null));
                    if (beside && !baselineFirst) {
                        baselineByKind.get(kind).add(sample(kind, round, licensesTenant, baselineJar.probeClasspath(), env, baselineJar.label()));
                    }
                }
            }
            Map<String, Map<String, Integer>> origins = new LinkedHashMap<>();
            Map<String, Map<String, Integer>> onlyThisBuild = new LinkedHashMap<>();
            Map<String, Map<String, Integer>> onlyBaseline = new LinkedHashMap<>();
            for (String kind : UNPRIMED) {
                List<String> jvm = new ArrayList<>(PROBE_JVM);
                jvm.add("-verbose:class");
                String tenant = kind.equals("connect") ? "bench-cold-connect-classes" : licensesTenant;
                ChildJvm.Outcome outcome = ChildJvm.run(jvm, probeClasspath, ColdStartProbe.class.getName(), List.of(kind, tenant), env, 300);
                origins.put(kind, classOrigins(outcome.output()));
                if (baselineJar != null) {
                    String baselineTenant = kind.equals("connect") ? "bench-cold-connect-classes-baseline" : licensesTenant;
                    ChildJvm.Outcome before = ChildJvm.run(jvm, baselineJar.probeClasspath(), ColdStartProbe.class.getName(),
                            List.of(kind, baselineTenant), env, 300);
                    java.util.Set<String> now = loadedClasses(outcome.output());
                    java.util.Set<String> then = loadedClasses(before.output());
                    onlyThisBuild.put(kind, byPackage(now.stream().filter(c -> !then.contains(c)).toList()));
                    onlyBaseline.put(kind, byPackage(then.stream().filter(c -> !now.contains(c)).toList()));
                }
            }
            Baseline baseline = baselineJar == null ? null
                    : new Baseline(baselineJar.label(), Files.size(baselineJar.jar()), baselineByKind, onlyThisBuild, onlyBaseline);
            return new Result(byKind, Files.size(functionsJar), origins, baseline);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One child JVM of {@code kind}; {@code baselineLabel} is null for this build, else the baseline's name (a new tenant of its own for connect). */
    private static Sample sample(String kind, int round, String licensesTenant, String classpath, Map<String, String> env,
                                 String baselineLabel) {
        String tenant = kind.startsWith("connect")
                ? "bench-cold-" + kind + (baselineLabel == null ? "" : "-baseline") + "-" + round : licensesTenant;
        ChildJvm.Outcome outcome = ChildJvm.run(PROBE_JVM, classpath, ColdStartProbe.class.getName(), List.of(kind, tenant), env, 300);
        String[] f = outcome.result().trim().split(" ");
        Sample s = new Sample(kind, outcome.millisToResult(), Long.parseLong(f[0]), Long.parseLong(f[1]),
                Long.parseLong(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]),
                f.length > 6 ? Long.parseLong(f[6]) : -1);
        int expected = kind.startsWith("connect") ? 201 : 200;
        String which = baselineLabel == null ? "" : " (baseline " + baselineLabel + ")";
        if (s.status() != expected) {
            throw new IllegalStateException(kind + which + " answered " + s.status() + ": " + outcome.output());
        }
        System.out.printf("[cold-start] round %d %-15s: %,d ms to the answer (init %,d ms, priming %,d ms, timed invocation %,d ms, CPU %,d ms), %,d classes%s%n",
                round, kind, s.launchToResultMillis(), s.initMillis(), s.primingMillis(), s.invokeMillis(), s.cpuMillis(), s.loadedClasses(), which);
        return s;
    }
}
