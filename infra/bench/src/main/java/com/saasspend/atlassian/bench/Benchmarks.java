package com.saasspend.atlassian.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import com.saasspend.atlassian.sim.AtlassianSimulator;
import com.saasspend.atlassian.sim.World;
import com.saasspend.atlassian.sim.WorldGenerator;

/**
 * Runs every benchmark of issue 8 and writes BENCHMARKS.md. Run by {@code infra/scripts/bench} (moto running,
 * AWS_ENDPOINT_URL set, jars built). Options: {@code --quick} (smaller orgs, fewer runs), {@code --only 1,3,paging}
 * (a subset, for working on one figure), {@code --out FILE}, {@code --functions-jar FILE}, {@code --probe-classpath CP}
 * (what child JVMs run on: functions.jar plus the bench classes), {@code --command TEXT} (as printed in the report),
 * {@code --worker-aws-endpoint URL} (a second moto for the largest worker run), {@code --local-stack DIR} (local-stack.jar
 * and its lib/, for figure 6), {@code --license-users N} (figure 8's org size), {@code --incremental-users N} (figure I's
 * org size), {@code --job-users N} (figure J's job size), {@code --cold-start-baseline-jar FILE} with
 * {@code --cold-start-baseline LABEL} (figure 5 also times that build's functions.jar beside this one),
 * {@code --update FILE} (merge this run's figures into that report).
 */
public final class Benchmarks {
    /** How much to measure: org sizes and repetitions per figure. */
    record Plan(boolean quick, Map<Integer, Integer> costRuns, Map<Integer, Integer> wallRuns, List<Integer> heapOrgs,
                int pagingOrg, int pagingRuns, int coldRounds, int freshnessRuns, int dispatcherRuns, int connectedIntegrations,
                int licenseOrg, int licenseRepeats, int incrementalOrg, int incrementalFullSamples) {
        static Plan fullPlan() {
            return new Plan(false, ordered(1_000, 3, 10_000, 3), ordered(1_000, 3, 10_000, 3), List.of(10_000, 100_000),
                    100_000, 3, 5, 5, 2, 10_000, 100_000, 3, 100_000, 0);
        }

        static Plan quickPlan() {
            return new Plan(true, ordered(1_000, 3, 10_000, 1), ordered(1_000, 3), List.of(1_000, 10_000), 10_000, 1, 3, 3, 1, 10_000,
                    10_000, 3, 2_000, 2);
        }

        Plan withLicenseOrg(int users) {
            return new Plan(quick, costRuns, wallRuns, heapOrgs, pagingOrg, pagingRuns, coldRounds, freshnessRuns, dispatcherRuns,
                    connectedIntegrations, users, licenseRepeats, incrementalOrg, incrementalFullSamples);
        }

        Plan withIncrementalOrg(int users) {
            return new Plan(quick, costRuns, wallRuns, heapOrgs, pagingOrg, pagingRuns, coldRounds, freshnessRuns, dispatcherRuns,
                    connectedIntegrations, licenseOrg, licenseRepeats, users, incrementalFullSamples);
        }

        private static Map<Integer, Integer> ordered(int... sizeThenRuns) {
            Map<Integer, Integer> m = new LinkedHashMap<>();
            for (int i = 0; i < sizeThenRuns.length; i += 2) {
                m.put(sizeThenRuns[i], sizeThenRuns[i + 1]);
            }
            return m;
        }
    }

    /** Figure P's org with {@code --quick --only P} (figure 8 not asked for). */
    static final int QUICK_POLICY_ORG = 2_000;

    private final Plan plan;
    private final Set<String> only;
    private final Path functionsJar;
    private final String probeClasspath;
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    private final Map<Integer, List<SyncCostBenchmark.Run>> costRuns = new LinkedHashMap<>();
    private final Map<Integer, List<SyncWallTimeBenchmark.Run>> wallRuns = new LinkedHashMap<>();
    /** Figure 2 on moto without moto_server.py's speed-ups (MOTO_SPEEDUPS=0), in the same run; empty: not measured. */
    private final Map<Integer, List<SyncWallTimeBenchmark.Run>> stockWallRuns = new LinkedHashMap<>();
    /** Figure 2's uncounted first run of each size: on sped-up moto, then (when measured) stock moto. */
    private final Map<Integer, List<SyncWallTimeBenchmark.Run>> wallWarmUps = new LinkedHashMap<>();
    /** That moto ({@code --stock-aws-endpoint}); null: figure 2 on AWS_ENDPOINT_URL's moto only. */
    private String stockAwsEndpoint;
    private final Map<Integer, WorkerHeapBenchmark.Run> heapRuns = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, String> loads = new LinkedHashMap<>();
    private List<SimulatorPagingBenchmark.Run> paging = List.of();
    private int pagingOrgUsers;

    /** A second emulator for the largest worker run, so it can run alongside other figures; null: run it first, alone. */
    private final String workerEndpoint;
    /** local-stack.jar with its lib/ (figure 6); null: not built. */
    private final Path localStackDir;

    Benchmarks(Plan plan, Set<String> only, Path functionsJar, String probeClasspath, String workerEndpoint, Path localStackDir) {
        this.workerEndpoint = workerEndpoint;
        this.localStackDir = localStackDir;
        this.plan = plan;
        this.only = only;
        this.functionsJar = functionsJar;
        this.probeClasspath = probeClasspath;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Plan plan = options.containsKey("quick") ? Plan.quickPlan() : Plan.fullPlan();
        if (options.containsKey("license-users")) {
            // Figure 8 at another size (working on it without a 100k-user sync).
            plan = plan.withLicenseOrg(Integer.parseInt(options.get("license-users")));
        }
        if (options.containsKey("incremental-users")) {
            // Figure I at another size (a day of a 100k-user org takes most of an hour here).
            plan = plan.withIncrementalOrg(Integer.parseInt(options.get("incremental-users")));
        }
        Set<String> only = options.containsKey("only")
                ? new LinkedHashSet<>(Arrays.asList(options.get("only").split(","))) : Set.of();
        if (plan.quick() && only.contains("P") && !only.contains("8") && !options.containsKey("license-users")) {
            // Figure P alone, quick: an org whose sync and evaluations take about a minute.
            plan = plan.withLicenseOrg(QUICK_POLICY_ORG);
        }
        Path functionsJar = Path.of(options.getOrDefault("functions-jar", "functions/target/functions.jar"));
        String probeClasspath = options.getOrDefault("probe-classpath",
                ChildJvm.join(functionsJar.toString(), "infra/bench/target/classes"));
        Path out = Path.of(options.getOrDefault("out", "BENCHMARKS.md"));
        String command = options.getOrDefault("command", "infra/scripts/bench" + (plan.quick() ? " --quick" : ""));

        String startedAt = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
        long t0 = System.nanoTime();
        Benchmarks bench = new Benchmarks(plan, only, functionsJar, probeClasspath, options.get("worker-aws-endpoint"),
                options.containsKey("local-stack") ? Path.of(options.get("local-stack")) : null);
        if (options.containsKey("cold-start-baseline-jar")) {
            bench.coldStartBaseline = baselineJar(Path.of(options.get("cold-start-baseline-jar")),
                    options.get("cold-start-baseline"), functionsJar, probeClasspath);
        }
        bench.stockAwsEndpoint = options.get("stock-aws-endpoint");
        bench.jobUsers = Integer.parseInt(options.getOrDefault("job-users", plan.quick() ? "200" : "1000"));
        bench.runAll();
        long minutes = (System.nanoTime() - t0) / 60_000_000_000L;
        String report = bench.report(command, startedAt, minutes);
        Files.writeString(out, report);
        System.out.println("[bench] wrote " + out.toAbsolutePath() + " after " + minutes + " min");
        if (options.containsKey("update")) {
            Path into = Path.of(options.get("update"));
            Files.writeString(into, ReportMerge.merge(Files.readString(into), bench.figures, bench.loads, command, startedAt));
            System.out.println("[bench] merged figure(s) " + bench.figures.stream().map(Figure::number).toList() + " into " + into.toAbsolutePath());
        }
        if (!bench.failures.isEmpty()) {
            System.err.println("[bench] failed: " + String.join("; ", bench.failures));
            System.exit(1);
        }
    }

    /**
     * Figure 5's baseline ({@code --cold-start-baseline-jar FILE}, named by {@code --cold-start-baseline LABEL}): the
     * probe classpath with that jar in place of this build's functions.jar.
     */
    static ColdStartBenchmark.BaselineJar baselineJar(Path jar, String label, Path functionsJar, String probeClasspath) {
        List<String> entries = new ArrayList<>(Arrays.asList(probeClasspath.split(java.io.File.pathSeparator)));
        int at = entries.indexOf(functionsJar.toString());
        if (at < 0) {
            throw new IllegalArgumentException("the probe classpath " + probeClasspath + " does not hold " + functionsJar
                    + ", so the baseline jar has nothing to replace");
        }
        entries.set(at, jar.toString());
        return new ColdStartBenchmark.BaselineJar(label != null ? label : jar.getFileName().toString(), jar,
                String.join(java.io.File.pathSeparator, entries));
    }

    /** "12 classes: a.b (7), c.d (5)", the 8 largest packages named. */
    private static String packages(Map<String, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return "none";
        }
        String named = counts.entrySet().stream().limit(8).map(e -> "`" + e.getKey() + "` (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        return total + " classes: " + named + (counts.size() > 8 ? ", …" : "");
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
            String name = a.substring(2);
            if (name.equals("quick")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return options;
    }

    private boolean wanted(String figure) {
        return only.isEmpty() || only.contains(figure) || (figure.equals("paging") && only.contains("S"));
    }

    /** Runs one step, keeping the load average around it; a failure is reported, and the other figures still run. */
    private void step(String name, Runnable body) {
        String before = Machine.loadAverage();
        long t0 = System.nanoTime();
        System.out.println("[bench] " + name + " (load average " + before + ")");
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            synchronized (failures) {
                failures.add(name + ": " + e);
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        synchronized (loads) {
            loads.put(name, before + " → " + Machine.loadAverage() + " (" + seconds + " s)");
        }
    }

    /**
     * Order: the largest worker run (figure 4, and figure 1 at that size) takes longest, so with its own emulator
     * ({@code --worker-aws-endpoint}) it runs alongside the figures that count calls, items and units (1, 3, 7, and 4
     * at the smaller size), which time does not affect. The timed figures (2, 5, paging) run after it, alone.
     */
    void runAll() {
        int largest = plan.heapOrgs().get(plan.heapOrgs().size() - 1);
        boolean heap = wanted("4") || wanted("1");
        Thread largeRun = null;
        if (heap) {
            Runnable large = () -> step("figure 4 and 1, N=" + n(largest) + (workerEndpoint != null ? ", on its own moto" : ""),
                    () -> heapRuns.put(largest, WorkerHeapBenchmark.measure(largest, probeClasspath, 2000, workerEndpoint, null)));
            if (workerEndpoint != null) {
                largeRun = new Thread(large, "large-worker-run");
                largeRun.start();
            } else {
                large.run();
            }
        }
        if (wanted("1") || wanted("3")) {
            plan.costRuns().forEach((users, runs) -> step("figures 1 and 3, N=" + n(users),
                    () -> costRuns.put(users, SyncCostBenchmark.measure(users, runs))));
        }
        if (wanted("7")) {
            step("figure 7", () -> dispatcher = DispatcherBenchmark.measure(plan.connectedIntegrations(), 500, 10, 100, plan.dispatcherRuns()));
        }
        if (wanted("4")) {
            for (int users : plan.heapOrgs()) {
                if (users != largest) {
                    step("figure 4, N=" + n(users), () -> heapRuns.put(users, WorkerHeapBenchmark.measure(users, probeClasspath, 2000, null, null)));
                }
            }
        }
        if (largeRun != null) {
            System.out.println("[bench] waiting for the N=" + n(largest) + " worker before the timed figures");
            try {
                largeRun.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (wanted("paging")) {
            step("simulator paging, N=" + n(plan.pagingOrg()), () -> {
                try {
                    World world = WorldGenerator.generate(plan.pagingOrg(), plan.pagingOrg() / 50, 42);
                    try (AtlassianSimulator sim = AtlassianSimulator.start(0, world)) {
                        paging = SimulatorPagingBenchmark.measure(sim.baseUrl(), plan.pagingRuns());
                        pagingOrgUsers = plan.pagingOrg();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        if (wanted("2")) {
            plan.wallRuns().forEach((users, runs) -> step("figure 2, N=" + n(users) + (stockAwsEndpoint != null ? ", moto with and without its speed-ups" : ""), () -> {
                SyncWallTimeBenchmark.Measured measured = SyncWallTimeBenchmark.measure(users, runs,
                        stockAwsEndpoint != null ? Arrays.asList(null, stockAwsEndpoint) : Arrays.asList((String) null));
                wallRuns.put(users, measured.runs().get(0));
                if (stockAwsEndpoint != null) {
                    stockWallRuns.put(users, measured.runs().get(1));
                }
                wallWarmUps.put(users, measured.warmUps());
            }));
        }
        if (wanted("8") || wanted("P")) {
            // One synced org serves both: a 100k-user sync is most of the step.
            String figures = wanted("8") && wanted("P") ? "figures 8 and P" : wanted("8") ? "figure 8" : "figure P";
            step(figures + ", N=" + n(plan.licenseOrg()), () -> licensePage = LicensePageBenchmark.measure(plan.licenseOrg(),
                    plan.licenseRepeats(), wanted("8"), wanted("P")));
        }
        if (wanted("I")) {
            int users = plan.incrementalOrg();
            step("figure I, N=" + n(users), () -> incrementalDay = IncrementalDayBenchmark.measure(users, 200, 20, 10,
                    plan.incrementalFullSamples()));
        }
        if (wanted("J")) {
            step("figure J, N=" + n(jobUsers), () -> reclaimJob = ReclaimJobBenchmark.measure(jobUsers));
        }
        if (wanted("5")) {
            step("figure 5", () -> coldStart = ColdStartBenchmark.measure(functionsJar, probeClasspath, plan.coldRounds(), coldStartBaseline));
        }
        if (wanted("6") && localStackDir != null && ReclaimFreshnessBenchmark.available(localStackDir)) {
            step("figure 6", () -> freshness = ReclaimFreshnessBenchmark.measure(localStackDir, localStackDir.resolve("state"),
                    plan.freshnessRuns(), localStackDir.resolve("local-stack.log")));
        }
    }

    private ColdStartBenchmark.Result coldStart;
    /** Figure 5 also times this jar beside functions.jar; null: no baseline. */
    private ColdStartBenchmark.BaselineJar coldStartBaseline;
    private LicensePageBenchmark.Result licensePage;
    private IncrementalDayBenchmark.Result incrementalDay;
    private ReclaimFreshnessBenchmark.Result freshness;
    private DispatcherBenchmark.Result dispatcher;
    /** Figure J: the bulk reclaim job's size, and its run. */
    private int jobUsers = 1_000;
    private ReclaimJobBenchmark.Run reclaimJob;

    // ------------------------------------------------------------------------------------------------ the report

    String report(String command, String startedAt, long minutes) {
        List<String> sections = new ArrayList<>();
        sections.add(section(() -> figure1()));
        sections.add(section(() -> figure2()));
        sections.add(section(() -> figure3()));
        sections.add(section(() -> figure4()));
        sections.add(section(() -> figure5()));
        sections.add(section(() -> figure6()));
        sections.add(section(() -> figure7()));
        sections.add(section(() -> figure8()));
        sections.add(section(() -> policyFigure()));
        sections.add(section(() -> pagingFigure()));
        sections.add(section(() -> incrementalFigure()));
        sections.add(section(() -> reclaimJob == null ? null : ReclaimJobBenchmark.figure(reclaimJob)));
        figures.sort(java.util.Comparator.comparing(Figure::number)); // 1-8, then I, J (bulk reclaim job), P (policies), S (simulator paging)
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `").append(command).append("` (").append(plan.quick() ? "quick run: smaller orgs, fewer runs" : "full run")
                .append(") on ").append(startedAt).append("; the measurements took ").append(minutes).append(" min after the build. Do not edit by hand: rerun the command.")
                .append(" Issue 8 defines the figures and goals.\n\n");
        md.append("## Summary\n\n| # | figure | goal | measured: median (min–max, runs) | verdict |\n|---|---|---|---|---|\n");
        for (Figure f : figures) {
            md.append("| ").append(f.number()).append(" | ").append(f.title()).append(" | ").append(f.goal()).append(" | ")
                    .append(f.measured()).append(" | ").append(f.verdict()).append(" |\n");
        }
        md.append("\n");
        if (!failures.isEmpty()) {
            md.append("**Steps that failed in this run:** ").append(String.join("; ", failures)).append("\n\n");
        }
        md.append(machine(command));
        md.append(howMeasured());
        for (Figure f : figures) {
            md.append("## ").append(f.number()).append(". ").append(f.title()).append("\n\n").append(f.details()).append("\n");
        }
        return md.toString();
    }

    private String section(Supplier<Figure> figure) {
        try {
            Figure f = figure.get();
            if (f != null) {
                figures.add(f);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            failures.add("report: " + e);
        }
        return "";
    }

    private String machine(String command) {
        StringBuilder md = new StringBuilder("## Machine and command\n\n");
        md.append("- CPU: ").append(Machine.command("nproc")).append(" × ").append(Machine.cpuModel()).append("\n");
        md.append("- Memory (`free -h`):\n\n```\n").append(Machine.command("free", "-h")).append("\n```\n");
        md.append("- Java: ").append(System.getProperty("java.vm.name")).append(" ").append(System.getProperty("java.runtime.version"))
                .append("; OS: ").append(Machine.command("uname", "-srm")).append("\n");
        md.append("- AWS: moto ").append(Machine.command(".venv/bin/python", "-c", "import moto; print(moto.__version__)"))
                .append(" (`moto_server`, started by the command); Atlassian: the project's simulator\n");
        md.append("- Load average (1, 5, 15 min) before → after each step, and its duration. Other work shares this machine's CPUs;"
                + " a load well above ").append(Runtime.getRuntime().availableProcessors())
                .append(" means the timings below include waiting for a CPU:\n\n");
        loads.forEach((step, load) -> md.append("  - ").append(step).append(": ").append(load).append("\n"));
        md.append("\nReproduce:\n\n```bash\n")
                .append("make bench                        # = infra/scripts/bench: builds, starts moto, runs every figure, writes BENCHMARKS.md\n")
                .append("infra/scripts/bench --quick       # smaller orgs, fewer runs; writes infra/bench/target/BENCHMARKS.md\n")
                .append("infra/scripts/bench --only 2,5,S  # some figures (1-8, S, I, J, P); writes infra/bench/target/BENCHMARKS.md\n")
                .append("infra/scripts/bench --only 8,P --license-users 10000  # figures 8 and P on one synced org of 10k users (default 100k; 10k with --quick)\n")
                .append("infra/scripts/bench --quick --only P  # figure P alone on a 2k-user org, about a minute\n")
                .append("infra/scripts/bench --only J --job-users 200  # figure J with a smaller job (default 1,000; 200 with --quick)\n```\n\n");
        return md.toString();
    }

    private static String howMeasured() {
        return """
                ## How the figures are measured

                - **Orgs** come from the simulator's `WorldGenerator.generate(N, N/50, 42)`: N users, N/50 groups, five products; about one
                  team group in twenty grants a product (`WorldGenerator.DEFAULT_GRANTING_ONE_IN`), plus the 7 standard groups.
                  The simulator lists app and customer accounts outside directories, so the number of users the listing returns
                  (used for the floor) is a little below N.
                - **Tenants**: every measured first sync is a new tenant connected through the real connect handler
                  (`IntegrationsApiHandler`), so it is a full sync; the tenant's table, bus and secrets live on moto.
                - **The sync** in figures 1-3 is `AtlassianOrgSync` built by the composition root (`Services.orgSync()`, as the worker builds it), except
                  that its DynamoDB client carries the capacity meter. Figure 4 runs the unmodified worker
                  (`new SyncWorkerHandler()`, environment variables, one `IntegrationSyncRequested` event) in a child JVM.
                - **Atlassian calls** are counted from the simulator's request log (every answered call, retries and 429s included).
                - **DynamoDB capacity** is computed, because moto does not report consumed capacity: an SDK `ExecutionInterceptor`
                  on the benchmark's `DynamoDbClient` sizes every item by DynamoDB's rules (attribute names in UTF-8 bytes plus
                  values: strings in UTF-8 bytes, numbers ≈ 1 byte per 2 significant digits + 1, booleans and nulls 1, lists and
                  maps 3 + their elements + 1 byte per element) and charges: PutItem/UpdateItem/DeleteItem/BatchWriteItem
                  ceil(size / 1 KB) write units per item, size being the larger of the item before and after (a failed conditional
                  write costs the same); GetItem/BatchGetItem ceil(size / 4 KB) read units per item (a key with no item: the
                  minimum), ×0.5 unless `ConsistentRead`; Query/Scan ceil(sum of the page's sizes / 4 KB), ×0.5 unless consistent
                  (always ×0.5 on a global secondary index). Reads are charged on the whole item even when a projection returns
                  less; what a request does not show (the stored item before a write, the item after an UpdateItem, the whole
                  item behind a projection) the meter reads through a second, unmetered client, outside the timed part of the
                  call. Where time is measured (figure 2) the meter only times calls and does no such reads.
                - **Spread**: each figure is the median over its runs with min–max; a ratio's two sides come from the same run.

                """;
    }

    // ----------------------------------------------------------------------------------------------- figures

    private Figure figure1() {
        if (costRuns.isEmpty() && heapRuns.isEmpty()) {
            return null;
        }
        StringBuilder d = new StringBuilder();
        d.append("Full sync of a new tenant, no faults. Two floors: the old one = ceil(users listed / 100) user pages + ceil(G / 100)"
                + " group pages + G role-assignment calls (one per group) + ceil(product instances / 1,000) workspace pages; and the"
                + " calls any correct sync needs = the same pages + one role-assignment call per group that grants access (A of the G"
                + " groups; groups search counts each group's resources, and a group with none grants nothing).\n\n");
        d.append("| org (N users, G groups, A granting) | users listed | old floor: users + groups + roles + workspaces = total"
                + " | needed: users + groups + granting + workspaces = total | calls measured | calls by purpose | × old floor | × needed |\n");
        d.append("|---|---|---|---|---|---|---|---|\n");
        List<String> measured = new ArrayList<>();
        boolean met = true;
        for (Map.Entry<Integer, List<SyncCostBenchmark.Run>> e : costRuns.entrySet()) {
            List<SyncCostBenchmark.Run> runs = e.getValue();
            SyncCostBenchmark.Run r0 = runs.get(0);
            Stats ratio = Stats.of(runs.stream().map(SyncCostBenchmark.Run::callRatio).toList());
            Stats needed = Stats.of(runs.stream().map(SyncCostBenchmark.Run::neededRatio).toList());
            Stats calls = Stats.of(runs.stream().map(SyncCostBenchmark.Run::measuredCalls).toList());
            d.append(row(n(e.getKey()) + ", " + n(e.getKey() / 50) + ", " + n(r0.floor().grantingGroupCalls()), n(r0.first().users()),
                    floorText(r0.floor()), neededText(r0.floor()), calls.describe(Benchmarks::n), joined(r0.firstCalls()),
                    ratio.describe(v -> "×" + Stats.fixed(v, 3)), needed.describe(v -> "×" + Stats.fixed(v, 3))));
            measured.add(n(Math.round(calls.median())) + " calls = ×" + Stats.fixed(needed.median(), 3) + " of needed, ×"
                    + Stats.fixed(ratio.median(), 3) + " of the old floor at " + k(e.getKey()) + " (" + ratio.runs()
                    + (ratio.runs() == 1 ? " run" : " runs") + ")");
            met &= needed.max() <= 1.05;
        }
        for (Map.Entry<Integer, WorkerHeapBenchmark.Run> e : heapRuns.entrySet()) {
            if (costRuns.containsKey(e.getKey())) {
                continue;
            }
            WorkerHeapBenchmark.Run r = e.getValue();
            double ratio = (double) r.measuredCalls() / r.floor().total();
            double needed = (double) r.measuredCalls() / r.floor().needed();
            d.append(row(n(e.getKey()) + ", " + n(r.groups()) + ", " + n(r.grantingGroups()), n(r.worker().path("users").asLong()),
                    floorText(r.floor()), neededText(r.floor()), n(r.measuredCalls()) + " (1 run, the figure 4 worker)", joined(r.calls()),
                    "×" + Stats.fixed(ratio, 3), "×" + Stats.fixed(needed, 3)));
            measured.add(n(r.measuredCalls()) + " calls = ×" + Stats.fixed(needed, 3) + " of needed, ×" + Stats.fixed(ratio, 3)
                    + " of the old floor at " + k(e.getKey()) + " (1 run)");
            met &= needed <= 1.05;
        }
        d.append("\nThe sync reads each page once, role assignments once per group whose `counts.resources` is above zero, and the"
                + " product listing in one page: the count is the needed floor exactly unless a call is retried (a 429 or 5xx would"
                + " show in the by-purpose column).\n");
        return new Figure("1", "Atlassian API calls for a full sync", "≤ 1.05 × calls any correct sync needs",
                String.join("; ", measured), Figure.verdict(met), d.toString());
    }

    private static String floorText(SyncCostBenchmark.Floor f) {
        return n(f.userPages()) + " + " + n(f.groupPages()) + " + " + n(f.roleAssignmentCalls()) + " + " + n(f.workspacePages()) + " = " + n(f.total());
    }

    private static String neededText(SyncCostBenchmark.Floor f) {
        return n(f.userPages()) + " + " + n(f.groupPages()) + " + " + n(f.grantingGroupCalls()) + " + " + n(f.workspacePages()) + " = " + n(f.needed());
    }

    private Figure figure2() {
        if (wallRuns.isEmpty()) {
            return null;
        }
        boolean sideBySide = !stockWallRuns.isEmpty();
        StringBuilder d = new StringBuilder();
        d.append("Full sync of a new tenant with the simulator adding ").append(SyncWallTimeBenchmark.LATENCY_MS)
                .append(" ms to every call and allowing ").append(SyncWallTimeBenchmark.RATE_CALLS).append(" calls per ")
                .append(SyncWallTimeBenchmark.RATE_WINDOW_SECONDS).append(" s per key (fixed window). Critical path = max(user pages × 100 ms,"
                        + " calls / 10 per s), from the calls the run needed (429s excluded). DynamoDB time is the sum of the sync's"
                        + " DynamoDB calls (moto on this machine).");
        if (sideBySide) {
            d.append(" Each size runs on two emulators in one run, their runs taken in turn: **stock** is moto 5.2.5 with only"
                    + " moto_server.py's transaction fixes (`MOTO_SPEEDUPS=0`: every write and Query on moto's own path); **sped up** is the"
                    + " same moto with moto_server.py's emulator speed-ups (the default for tests and the local stack: writes, and a"
                    + " Query reading its key range), which change how fast moto answers, not what it answers or stores"
                    + " (`infra/scripts/tests/test_moto_writes.py`, `test_moto_query.py`). The verdict"
                    + " is taken on the sped-up rows: the goal is about the sync's pipeline, and the per-item cost the stock rows add"
                    + " is moto's own (see below), not DynamoDB's.");
        }
        d.append("\n\n| org | moto | calls | critical path | wall time | × critical path | DynamoDB time | wall − DynamoDB, × critical path | 429s |\n");
        d.append("|---|---|---|---|---|---|---|---|---|\n");
        List<String> measured = new ArrayList<>();
        List<String> stockMeasured = new ArrayList<>();
        boolean met = true;
        for (Map.Entry<Integer, List<SyncWallTimeBenchmark.Run>> e : wallRuns.entrySet()) {
            List<SyncWallTimeBenchmark.Run> stock = stockWallRuns.get(e.getKey());
            if (stock != null) {
                Stats ratio = wallRow(d, e.getKey(), "stock", stock);
                stockMeasured.add("×" + Stats.fixed(ratio.median(), 2) + " at " + k(e.getKey()));
            }
            Stats ratio = wallRow(d, e.getKey(), sideBySide ? "sped up" : "this checkout's", e.getValue());
            measured.add("×" + Stats.fixed(ratio.median(), 2) + " at " + k(e.getKey()) + " (" + ratio.runs() + (ratio.runs() == 1 ? " run" : " runs") + ")");
            met &= ratio.median() <= 1.25;
        }
        d.append("\n").append(warmUpText(sideBySide)).append("\n\n");
        if (sideBySide) {
            d.append("On stock moto: ").append(storeText(stockWallRuns)).append("\n\nOn sped-up moto: ").append(storeText(wallRuns));
        } else {
            d.append("In these runs ").append(storeText(wallRuns));
        }
        d.append(" An estimate, not a measurement: at ").append(ASSUMED_DYNAMO_MILLIS).append(" ms a call a page's store work would take about ")
                .append(Stats.fixed(callsPerPage(wallRuns) * ASSUMED_DYNAMO_MILLIS, 0))
                .append(" ms, less than its fetch: the fetches would set the pace, and the wall time would be the critical path"
                        + " plus the work that cannot overlap (the last page's store, the final sweep and summary).\n");
        d.append(FIGURE_2_LIMITS);
        String text = String.join("; ", measured) + (stockMeasured.isEmpty() ? "" : " on sped-up moto; stock moto " + String.join(", ", stockMeasured));
        return new Figure("2", "Wall time of a full sync, 100 ms/call, 600 calls/min", "≤ 1.25 × critical path", text,
                Figure.verdict(met), d.toString());
    }

    /** Figure 2's uncounted first runs: what the harness JVM and moto cost cold, apart from the runs. */
    private String warmUpText(boolean sideBySide) {
        List<String> sizes = new ArrayList<>();
        wallWarmUps.forEach((users, runs) -> {
            List<String> ratios = new ArrayList<>();
            for (int e = 0; e < runs.size(); e++) {
                ratios.add("×" + Stats.fixed(runs.get(e).ratio(), 2) + (sideBySide ? (e == 0 ? " sped up" : " stock") : ""));
            }
            sizes.add(String.join(", ", ratios) + " at " + k(users));
        });
        return "Before each size's runs, one run on each emulator is not counted (a tenant of its own, the same org): the"
                + " harness JVM compiles the sync's code there, and moto warms up; a cold worker's first invocation is figure 5's."
                + " Those runs took " + String.join("; ", sizes) + " of the critical path. The sync is built before the clock"
                + " starts, as the worker builds it at init.";
    }

    /** One row of figure 2's table; answers the ratio's statistics. */
    private static Stats wallRow(StringBuilder d, int users, String moto, List<SyncWallTimeBenchmark.Run> runs) {
        Stats ratio = Stats.of(runs.stream().map(SyncWallTimeBenchmark.Run::ratio).toList());
        Stats wall = Stats.of(runs.stream().map(SyncWallTimeBenchmark.Run::wallMillis).toList());
        Stats dynamo = Stats.of(runs.stream().map(SyncWallTimeBenchmark.Run::dynamoMillis).toList());
        Stats rest = Stats.of(runs.stream().map(r -> (double) (r.wallMillis() - r.dynamoMillis()) / r.criticalPathMillis()).toList());
        SyncWallTimeBenchmark.Run r0 = runs.get(0);
        d.append(row(n(users) + " users", moto, n(r0.calls()), seconds(r0.criticalPathMillis()), wall.describe(Benchmarks::seconds),
                ratio.describe(v -> "×" + Stats.fixed(v, 2)), dynamo.describe(Benchmarks::seconds),
                rest.describe(v -> "×" + Stats.fixed(v, 2)),
                Stats.of(runs.stream().map(SyncWallTimeBenchmark.Run::rateLimited).toList()).describe(Benchmarks::n)));
        return ratio;
    }

    private static double callsPerPage(Map<Integer, List<SyncWallTimeBenchmark.Run>> runs) {
        List<SyncWallTimeBenchmark.Run> all = runs.values().stream().flatMap(List::stream).toList();
        return (double) all.stream().mapToLong(SyncWallTimeBenchmark.Run::dynamoCalls).sum()
                / Math.max(1, all.stream().mapToLong(SyncWallTimeBenchmark.Run::userPages).sum());
    }

    /** Where one emulator's DynamoDB time went: per call, per user page, per operation, per item written. */
    private static String storeText(Map<Integer, List<SyncWallTimeBenchmark.Run>> runs) {
        List<SyncWallTimeBenchmark.Run> all = runs.values().stream().flatMap(List::stream).toList();
        long dynamoMillis = all.stream().mapToLong(SyncWallTimeBenchmark.Run::dynamoMillis).sum();
        long dynamoCalls = all.stream().mapToLong(SyncWallTimeBenchmark.Run::dynamoCalls).sum();
        long userPages = all.stream().mapToLong(SyncWallTimeBenchmark.Run::userPages).sum();
        long itemsWritten = all.stream().mapToLong(SyncWallTimeBenchmark.Run::itemsWritten).sum();
        Map<String, Long> callsByOperation = new java.util.TreeMap<>();
        Map<String, Long> nanosByOperation = new java.util.TreeMap<>();
        all.forEach(r -> {
            r.dynamoCallsByOperation().forEach((op, n) -> callsByOperation.merge(op, n, Long::sum));
            r.dynamoNanosByOperation().forEach((op, n) -> nanosByOperation.merge(op, n, Long::sum));
        });
        double perCall = (double) dynamoMillis / Math.max(1, dynamoCalls);
        double callsPerPage = (double) dynamoCalls / Math.max(1, userPages);
        double storePerPage = perCall * callsPerPage;
        boolean storeBound = storePerPage > SyncWallTimeBenchmark.LATENCY_MS;
        long writeNanos = WRITE_OPERATIONS.stream().mapToLong(op -> nanosByOperation.getOrDefault(op, 0L)).sum();
        double perItem = writeNanos / 1e6 / Math.max(1, itemsWritten);
        double itemsPerPage = (double) itemsWritten / Math.max(1, userPages);
        StringBuilder byOperation = new StringBuilder();
        callsByOperation.forEach((op, n) -> byOperation.append(byOperation.length() == 0 ? "" : ", ").append(op).append(" ")
                .append(Stats.fixed((double) n / Math.max(1, userPages), 1)).append(" (")
                .append(Stats.fixed(nanosByOperation.getOrDefault(op, 0L) / 1e6 / Math.max(1, n), 0)).append(" ms)"));
        return "moto took " + Stats.fixed(perCall, 0) + " ms per DynamoDB call on average (" + n(dynamoCalls) + " calls, "
                + Stats.fixed(callsPerPage, 1) + " a user page, the run's other work included): a page's store work took about "
                + Stats.fixed(storePerPage, 0) + " ms against the " + SyncWallTimeBenchmark.LATENCY_MS + " ms of its fetch, so "
                + (storeBound ? "the store side, not Atlassian, set the pace" : "the fetches set the pace")
                + ". DynamoDB calls a user page, by operation (mean time a call): " + byOperation + ". Items written: "
                + Stats.fixed(itemsPerPage, 0) + " a user page (each user and its index items), at " + Stats.fixed(perItem, 2)
                + " ms an item in the writes' time: " + Stats.fixed(itemsPerPage * perItem, 0) + " ms a page for the writes alone.";
    }

    /** Figure 2's "What limits it" (rewritten when what holds changes). */
    private static final String FIGURE_2_LIMITS = """

            **What limits it.** The sync is pipelined: page k is stored on a thread of its own while page k+1, and the
            role assignments of its access-granting groups, are fetched (the products and the check below are stored there
            too, while the groups are fetched); at most one page is fetched ahead of the checkpoint, so the memory bound of
            figure 4 holds, and the calls are exactly those of figure 1. Atlassian calls go one at a time, paced per key
            from the `X-RateLimit-*` headers, so the fetching side alone is the critical path, and the wall time reaches it
            when each page's store work takes less than its fetch. A user page's store is now only what it must write: in
            a tenant's first listing (no user stored when the run began, read once: one key read, and one Query of one
            key for a new tenant) a page reads nothing (no digest, no stored hashes, no stored index keys: its users are
            created only where no item is stored, a condition of its transactions; a user that moved from a page written
            earlier in the run cancels that, and the page is written again the usual way), and the end of the listing
            sweeps nothing; the page digest rides in the transaction of the page's last users instead of one of its own.
            What remains is the lease-fenced transactions of up to 99 items, each user's items in one of them (the items a user page writes are counted
            above: each user, its row copy in the listing of every user and one per product key it holds, for the
            License page's indexes, figure 8) and the checkpoint, and on stock moto they, not the fetches, set the pace.
            Stock moto 5.2.5 spent most of a transaction on overhead of its own that DynamoDB does not have: it re-sized
            the whole item at each attribute it added, built every attribute's tree and walked it again to size it,
            rebuilding every nested value, parsed each condition text
            three times an item, walked every attribute value through the service model to parse the request, and
            sorted the whole table for each base-table Query (7 a run). moto_server.py's speed-ups (`MOTO_SPEEDUPS`, the
            sped-up rows) take that out without changing an answer or a stored item (`infra/scripts/tests/`
            compares both ways): a transaction costs about half, a Query its key range. What remains on sped-up moto is
            its own per-item work (JSON, item construction, one request at a time), per attribute value as much as per
            item: since index layout 3 a listing copy (three of a page's four items) carries its row as one JSON string
            instead of ~30 attribute values. Measured side by side on one machine (2026-12-02 02:00 UTC, `infra/scripts/bench
            --only 2 --out …` on a clone of each commit, one after the other, load 1.5 at the start of each): layout 2
            (558cf35) ×3.53 (×3.30–×3.61) of the critical path at 10k and ×2.57 at 1k, DynamoDB time 34.1 s at 10k;
            layout 3, copies packed (7ebb3ea), ×2.16 (×2.15–×2.25) and ×1.82, DynamoDB time 20.2 s, 41 % less (stock
            moto 120.5 → 71.7 s). The same way on the faster machine of 07:03 UTC (load 0.1 and 1.1 at the start):
            7ebb3ea ×1.28 (×1.25–×1.30) at 10k and ×1.23 at 1k; the user item packed too (ed140df) ×1.18 (×1.17–×1.26)
            and ×1.35 (×1.21–×1.52). A timeline of every call of such a run showed the rest: moto stopped for 100–200
            ms several times a 10k sync (Python's full garbage collections, walking every stored item: DynamoDB has no
            such pauses; `SyncTimeline` in the bench module prints such a timeline), and the first run of each size paid the harness JVM's compilation of the sync. moto_server.py
            now collects its garbage and freezes what lives on after writes (`test_moto_garbage.py`), and each size's
            first run is not counted (reported above): the rows above. A page's store work is now under its fetch on
            sped-up moto; on stock moto it is not (its per-item work and full collections), so compare rows of one run
            only. Moving the users' hashing from the
            store's thread to the fetching one was measured (`infra/scripts/bench --only 2`, 2026-12-01 05:43 UTC, load 1.4) and
            gained nothing beyond the runs' spread (×1.65–×1.73 at 10k): moto, not the store's own work, is busy.
            On DynamoDB a 99-item transaction takes tens of ms, so a page's store stays under its fetch (the estimate
            above). Writing a page's transactions concurrently was measured on stock moto (two to four writers: about
            13 % less time a transaction, 167 → 144 ms for 99 items at load 9) and again, two at a time, on sped-up
            moto (2026-12-01, load 1.4, one run each of 1k and 10k three times: ×2.36 of the critical path at 10k,
            against ×2.05 one at a time): not kept, moto serves one request at a time and two in flight only
            interleave. Column "wall − DynamoDB" is the time no DynamoDB call was under way: the fetching the store
            did not hide.
            """;

    /** For figure 2's estimate only: a DynamoDB call's latency from a Lambda in the same region (single-digit ms). */
    static final int ASSUMED_DYNAMO_MILLIS = 8;

    /** Figure 2: the operations whose time is the writing of items (CapacityMeter's operation names). */
    private static final List<String> WRITE_OPERATIONS = List.of("TransactWriteItems", "BatchWriteItem", "PutItem");

    private Figure figure3() {
        if (costRuns.isEmpty()) {
            return null;
        }
        StringBuilder d = new StringBuilder();
        d.append("The same tenant synced twice in one run, the org unchanged in between. Full rewrite = write units to put every"
                + " user and group item once, from those items' sizes (what the first sync wrote). Capacity in read + write units.\n\n");
        d.append("| org | first sync: user + group items written, units (R + W) | re-sync: user + group items written (meter; the sync's own count) | re-sync: read units | re-sync: write units | full rewrite (user + group items) | re-sync share |\n");
        d.append("|---|---|---|---|---|---|---|\n");
        List<String> measured = new ArrayList<>();
        boolean met = true;
        for (Map.Entry<Integer, List<SyncCostBenchmark.Run>> e : costRuns.entrySet()) {
            List<SyncCostBenchmark.Run> runs = e.getValue();
            SyncCostBenchmark.Run r0 = runs.get(0);
            Stats written = Stats.of(runs.stream().map(SyncCostBenchmark.Run::resyncItemsWritten).toList());
            Stats reads = Stats.of(runs.stream().map(r -> r.againCapacity().total().readUnits()).toList());
            Stats writes = Stats.of(runs.stream().map(r -> r.againCapacity().total().writeUnits()).toList());
            Stats share = Stats.of(runs.stream().map(r -> 100 * r.resyncShare()).toList());
            CapacityMeter.Tally first = r0.firstCapacity().total();
            d.append(row(n(e.getKey()) + " users",
                    n(r0.firstCapacity().kind("USER").itemsWritten() + r0.firstCapacity().kind("GROUP").itemsWritten()) + ", "
                            + units(first.readUnits()) + " + " + units(first.writeUnits()),
                    written.describe(Benchmarks::n) + "; " + Stats.of(runs.stream().map(r -> r.again().usersWritten() + r.again().groupsWritten())
                            .toList()).describe(Benchmarks::n), reads.describe(Benchmarks::units), writes.describe(Benchmarks::units),
                    n(r0.fullRewriteUnits()) + " (" + n(r0.userItems()) + " + " + n(r0.groupItems()) + ")",
                    share.describe(v -> Stats.fixed(v, 2) + " %")));
            measured.add(Stats.fixed(share.median(), 2) + " % and " + n((long) written.max()) + " items at " + k(e.getKey()));
            met &= written.max() == 0 && share.max() <= 10;
        }
        SyncCostBenchmark.Run last = costRuns.values().stream().reduce((a, b) -> b).orElseThrow().get(0);
        d.append("\nWhere a re-sync's units go (").append(n(costRuns.keySet().stream().reduce((a, b) -> b).orElseThrow()))
                .append(" users, run 1), by item kind:\n\n| item kind | items read | read units | items written | write units |\n|---|---|---|---|---|\n");
        last.againCapacity().byKind().forEach((kind, t) -> d.append(row(kind, n(t.itemsRead()), units(t.readUnits()), n(t.itemsWritten()), units(t.writeUnits()))));
        CapacityMeter.Tally checkpoint = last.againCapacity().kind("SYNCSTATE");
        CapacityMeter.Tally digests = last.againCapacity().kind("DIGEST");
        d.append("\nDynamoDB calls of that re-sync: ").append(joined(last.againCapacity().callsByOperation())).append(". Atlassian calls: ")
                .append(joined(last.againCalls())).append(".\n\nThe checkpoint (SYNCSTATE) is saved after every page, so an invocation"
                        + " can stop and resume at a page boundary: ").append(units(checkpoint.writeUnits() / Math.max(1, checkpoint.itemsWritten())))
                .append(" write units a save, the largest share of an unchanged re-sync. Each page's digest costs ")
                .append(units(digests.readUnits() / Math.max(1, digests.itemsRead()))).append(" read units on average (the sweep's"
                        + " queries of all digests included).\n");
        return new Figure("3", "Unchanged re-sync: items written, capacity vs a full rewrite", "0 items; ≤ 10 %", String.join("; ", measured),
                Figure.verdict(met), d.toString());
    }

    private Figure figure4() {
        if (heapRuns.isEmpty()) {
            return null;
        }
        StringBuilder d = new StringBuilder();
        d.append("The production worker (`new SyncWorkerHandler()`, configured by environment variables, one `IntegrationSyncRequested`"
                + " event, a full sync of a new tenant) in a child JVM with `").append(String.join(" ", WorkerHeapBenchmark.WORKER_JVM))
                .append("` (the serial collector is what the JVM picks itself on a 512 MB Lambda); the simulator runs in the parent JVM."
                        + " Peak used: the highest heap use sampled every 10 ms (it rises towards the cap until the collector runs, so it"
                        + " shows the collector's appetite more than the need). Live set: heap used right after a forced full collection,"
                        + " every 2 s during the sync; its peak is the memory the sync really holds.\n\n");
        d.append("| org | outcome | users | sync time | peak used (sampled) | heap pools' peaks, summed | live set, peak | live set after the run | collections |\n");
        d.append("|---|---|---|---|---|---|---|---|---|\n");
        List<String> measured = new ArrayList<>();
        boolean met = true;
        for (Map.Entry<Integer, WorkerHeapBenchmark.Run> e : heapRuns.entrySet()) {
            WorkerHeapBenchmark.Run r = e.getValue();
            d.append(row(n(e.getKey()) + " users", r.worker().path("outcome").asText(), n(r.worker().path("users").asLong()),
                    seconds(r.worker().path("millis").asLong()), r.mb("peakUsedSampled") + " MB", r.mb("poolPeaksSum") + " MB",
                    r.mb("peakLive") + " MB (" + r.worker().path("liveSamples").asInt() + " samples)", r.mb("liveAfterRun") + " MB",
                    n(r.worker().path("gcCount").asLong()) + " (" + n(r.worker().path("gcMillis").asLong()) + " ms)"));
            measured.add("peak " + r.mb("peakUsedSampled") + " MB, live " + r.mb("peakLive") + " MB at " + k(e.getKey()));
            met &= "completed".equals(r.worker().path("outcome").asText()) && r.mb("peakUsedSampled") < 256;
        }
        List<Integer> sizes = new ArrayList<>(heapRuns.keySet());
        if (sizes.size() >= 2) {
            WorkerHeapBenchmark.Run small = heapRuns.get(sizes.get(0));
            WorkerHeapBenchmark.Run large = heapRuns.get(sizes.get(sizes.size() - 1));
            double growth = (double) large.worker().path("peakLive").asLong() / Math.max(1, small.worker().path("peakLive").asLong());
            String verdict = growth < 1.5 ? "does not grow with N" : "**grows with N**";
            d.append("\nLive-set peak at ").append(k(sizes.get(sizes.size() - 1))).append(" over ").append(k(sizes.get(0))).append(": ×")
                    .append(Stats.fixed(growth, 2)).append(" for ×").append(sizes.get(sizes.size() - 1) / sizes.get(0))
                    .append(" the users: the sync's memory ").append(verdict).append(".\n");
            measured.add("live ×" + Stats.fixed(growth, 2) + " for ×" + sizes.get(sizes.size() - 1) / sizes.get(0) + " users");
            met &= growth < 1.5;
        }
        d.append("\nEach size is one run (a 100,000-user sync through moto takes many minutes), so no spread is given. Collections"
                + " include the forced ones (one per live-set sample). The JVM flags and sampling are in `WorkerHeapProbe`.\n");
        return new Figure("4", "Peak heap of the worker syncing a large org", "< 256 MB; flat in N", String.join("; ", measured),
                Figure.verdict(met), d.toString());
    }

    private Figure figure5() {
        if (coldStart == null) {
            return null;
        }
        ColdStartBenchmark.Result r = coldStart;
        StringBuilder d = new StringBuilder();
        d.append("A fresh JVM (`java ").append(String.join(" ", ColdStartBenchmark.PROBE_JVM)).append(" -cp functions.jar:<probe class>`)"
                + " per sample: the handler's no-arg constructor (reading environment variables, as Lambda builds it) and its first"
                + " invocation. connect: `POST /integrations/atlassian` of a new tenant (verifies the org against the simulator,"
                + " stores the secret and the record on moto, requests the first sync). licenses: `GET /licenses` of a tenant"
                + " whose demo org was synced before. Time: launching the JVM to the answer. Rounds interleave the handlers.\n\n");
        d.append("| handler | launch → answer | × do-nothing (same round) | init | first invocation | classes loaded |\n|---|---|---|---|---|---|\n");
        List<String> measured = new ArrayList<>();
        boolean met = true;
        for (String kind : ColdStartBenchmark.UNPRIMED) {
            String ratio = kind.equals("nothing") ? "1" : r.ratio(kind).describe(v -> "×" + Stats.fixed(v, 2));
            d.append(row(kind, r.stat(kind, ColdStartBenchmark.Sample::launchToResultMillis).describe(Benchmarks::millis), ratio,
                    r.stat(kind, ColdStartBenchmark.Sample::initMillis).describe(Benchmarks::millis),
                    r.stat(kind, ColdStartBenchmark.Sample::invokeMillis).describe(Benchmarks::millis),
                    r.stat(kind, ColdStartBenchmark.Sample::loadedClasses).describe(Benchmarks::n)));
            if (!kind.equals("nothing")) {
                measured.add(kind + " unprimed ×" + Stats.fixed(r.ratio(kind).median(), 2));
            }
        }
        if (r.baseline() != null) {
            ColdStartBenchmark.Baseline b = r.baseline();
            d.append("\n**Against ").append(b.label()).append(".** The same unprimed kinds on that build's functions.jar (")
                    .append(Stats.fixed(b.jarBytes() / (1024.0 * 1024.0), 2)).append(" MB; `infra/scripts/bench --cold-start-baseline ")
                    .append(b.label()).append("` builds it from a temporary worktree), each sample right beside this build's of the"
                            + " same kind and round, which of the two goes first alternating by round; same probe classes and"
                            + " JVM options. The ratios are per round. CPU is the child JVM's CPU time to its answer (all"
                            + " threads: interpreter, JIT, GC), which other load on the machine changes far less than wall time"
                            + " (the do-nothing row, the same classes on both sides, shows how much the wall-time ratio moves"
                            + " by load alone), so the goal, ≤ ×1.10, is read on the CPU ratio's median.\n\n");
            d.append("| handler | this build | ").append(b.label()).append(" | this ÷ ").append(b.label())
                    .append(" (same round) | CPU this ÷ ").append(b.label()).append(" | classes loaded (this / ").append(b.label())
                    .append(") |\n|---|---|---|---|---|---|\n");
            for (String kind : ColdStartBenchmark.UNPRIMED) {
                Stats ratio = r.baselineRatio(kind, ColdStartBenchmark.Sample::launchToResultMillis);
                d.append(row(kind, r.stat(kind, ColdStartBenchmark.Sample::launchToResultMillis).describe(Benchmarks::millis),
                        b.stat(kind, ColdStartBenchmark.Sample::launchToResultMillis).describe(Benchmarks::millis),
                        ratio.describe(v -> "×" + Stats.fixed(v, 2)),
                        r.baselineRatio(kind, ColdStartBenchmark.Sample::cpuMillis).describe(v -> "×" + Stats.fixed(v, 2)),
                        n((long) r.stat(kind, ColdStartBenchmark.Sample::loadedClasses).median()) + " / "
                                + n((long) b.stat(kind, ColdStartBenchmark.Sample::loadedClasses).median())));
                if (!kind.equals("nothing")) {
                    Stats cpu = r.baselineRatio(kind, ColdStartBenchmark.Sample::cpuMillis);
                    measured.add(kind + " CPU ×" + Stats.fixed(cpu.median(), 2) + " of " + b.label() + " (wall ×"
                            + Stats.fixed(ratio.median(), 2) + ")");
                    met &= cpu.median() <= 1.10;
                }
            }
            d.append("\nClasses one build loads and the other does not (one untimed `-verbose:class` run of each; lambda forms and"
                    + " hidden classes left out), by package:\n\n| handler | only this build | only ").append(b.label()).append(" |\n|---|---|---|\n");
            for (String kind : ColdStartBenchmark.UNPRIMED) {
                d.append(row(kind, packages(b.onlyThisBuild().get(kind)), packages(b.onlyBaseline().get(kind))));
            }
        }
        d.append("""

                **Restored snapshot (stand-in).** SnapStart restores a JVM snapshot taken after init and after the priming
                (`api/SnapStartPriming`, run by Lambda before the snapshot: a DynamoDB GetItem on a key that cannot exist, the
                Secrets Manager and EventBridge clients built, a request body round-tripped, read-only routes of a reserved
                tenant through the handler, all under a guard that lets only DynamoDB reads out). Stand-in: a fresh JVM builds
                the handler and runs that priming (untimed), then only the first invocation is timed. The restore itself is
                stood in for by the do-nothing handler's whole cold start of the same round, so the column is
                (do-nothing launch → answer + primed first invocation) / do-nothing launch → answer; the goal is ≤ ×3.

                | handler | priming (before the snapshot) | first invocation after priming | first invocation unprimed | same request warm (second in its JVM) | restored stand-in × do-nothing |
                |---|---|---|---|---|---|
                """);
        for (String primed : ColdStartBenchmark.PRIMED) {
            String unprimed = primed.substring(0, primed.length() - "-primed".length());
            d.append(row(unprimed, r.stat(primed, ColdStartBenchmark.Sample::primingMillis).describe(Benchmarks::millis),
                    r.stat(primed, ColdStartBenchmark.Sample::invokeMillis).describe(Benchmarks::millis),
                    r.stat(unprimed, ColdStartBenchmark.Sample::invokeMillis).describe(Benchmarks::millis),
                    r.stat(unprimed + "-warm", ColdStartBenchmark.Sample::invokeMillis).describe(Benchmarks::millis),
                    r.restoredRatio(primed).describe(v -> "×" + Stats.fixed(v, 2))));
            measured.add(unprimed + " restored ×" + Stats.fixed(r.restoredRatio(primed).median(), 2));
            met &= r.restoredRatio(primed).median() <= 3;
        }
        Stats syncCold = r.stat("sync", ColdStartBenchmark.Sample::invokeMillis);
        Stats syncWarm = r.stat("sync-warm", ColdStartBenchmark.Sample::invokeMillis);
        d.append("\n**The sync workers and SnapStart.** The org sync worker (`new SyncWorkerHandler()`, one scheduled"
                + " `IntegrationSyncRequested` for the synced demo tenant: an unchanged re-sync): init ")
                .append(r.stat("sync", ColdStartBenchmark.Sample::initMillis).describe(Benchmarks::millis))
                .append(", first invocation ").append(syncCold.describe(Benchmarks::millis))
                .append(", the same invocation warm (second in its JVM) ").append(syncWarm.describe(Benchmarks::millis))
                .append(". What a snapshot could save per cold worker is at most init + (first − warm) invocation, on an"
                        + " asynchronous event nobody waits for, once per new execution environment, against runs that last"
                        + " seconds to minutes at real org sizes.\n\n");
        double jarMb = r.jarBytes() / (1024.0 * 1024.0);
        measured.add("jar " + Stats.fixed(jarMb, 1) + " MB");
        met &= jarMb < 15;
        d.append("\nClasses loaded include the JDK's and the management classes the probe loads to count them (the same for every"
                + " handler; the do-nothing row is the baseline). `functions/target/functions.jar`: ").append(n(r.jarBytes()))
                .append(" bytes (").append(Stats.fixed(jarMb, 2)).append(" MB).\n\n");
        d.append("Where the loaded classes come from (one more, untimed run of each handler with `-verbose:class`):\n\n| origin | ");
        d.append(String.join(" | ", r.classOrigins().keySet())).append(" |\n|---|").append("---|".repeat(r.classOrigins().size())).append("\n");
        for (String origin : r.classOrigins().values().iterator().next().keySet()) {
            d.append("| ").append(origin);
            r.classOrigins().values().forEach(counts -> d.append(" | ").append(n(counts.getOrDefault(origin, 0))));
            d.append(" |\n");
        }
        d.append("""

                **What limits it.** Init is mostly building the AWS SDK clients (DynamoDB, Secrets Manager, EventBridge: the SDK's
                classes above, its endpoint rules and credential and region chains); the first invocation is the first use of
                each client and of the JDK HttpClient (connections, SigV4 signing, marshalling, Jackson), all run by the
                interpreter in a fresh JVM. The do-nothing handler loads none of it. The API functions are deployed with SnapStart,
                which restores a JVM snapshot taken after init, so this stand-in (no snapshot) overstates their real cold start;
                it does not include Lambda's own runtime classes or the network to real AWS and Atlassian.
                """);
        String goal = "≤ 3 × do-nothing; jar < 15 MB" + (r.baseline() != null ? "; CPU ≤ ×1.10 of " + r.baseline().label() : "");
        return new Figure("5", "Cold start stand-in (init + first invocation)", goal, String.join("; ", measured),
                Figure.verdict(met), d.toString());
    }

    private Figure figure6() {
        if (freshness == null) {
            if (!wanted("6")) {
                return null;
            }
            String needs = localStackDir == null || !ReclaimFreshnessBenchmark.available(localStackDir)
                    ? "the local stack's jar (`infra/local`, built by `infra/scripts/bench`; it did not build in this run)"
                    : "a run that got through (see the failed steps above)";
            return new Figure("6", "Freshness after a reclaim, through the local stack", "< 2 s", "—", "not measured yet: needs " + needs,
                    "**Not measured yet:** needs " + needs + ".\n");
        }
        ReclaimFreshnessBenchmark.Result r = freshness;
        StringBuilder d = new StringBuilder();
        d.append("The local stack (`infra/local`: template.yaml's functions behind its API gateway, JWT authorizer, bus rules and"
                + " queues on moto, its own simulator with the demo org), started by the benchmark on free ports (up in ")
                .append(seconds(r.stackStartMillis())).append("). A tenant connects the demo org, and its Jira and Confluence site (reclaim"
                        + " needs both), over HTTP; the org's first sync finished ")
                .append(seconds(r.firstSyncMillis())).append(" later. Then, per run, a user holding a `").append(ReclaimFreshnessBenchmark.PRODUCT)
                .append("` seat only through groups the product may change is reclaimed (`GET /users/{id}/access-groups`, then `POST /reclaims`"
                        + " with those groups and an Idempotency-Key), and `GET /licenses` is polled every ")
                .append(ReclaimFreshnessBenchmark.POLL_MILLIS).append(" ms until that product's assigned seats drop. Freshness: from the POST's"
                        + " response to the first GET showing the freed seat.\n\n");
        d.append("| | POST /reclaims answered in | freed seat shown after | GETs until shown |\n|---|---|---|---|\n");
        Stats fresh = Stats.of(r.runs().stream().map(ReclaimFreshnessBenchmark.Run::freshMillis).toList());
        d.append(row("median (min–max)", Stats.of(r.runs().stream().map(ReclaimFreshnessBenchmark.Run::reclaimMillis).toList()).describe(Benchmarks::millis),
                fresh.describe(Benchmarks::millis), Stats.of(r.runs().stream().map(ReclaimFreshnessBenchmark.Run::polls).toList()).describe(Benchmarks::n)));
        d.append("\nThe reclaim updates the stored user and the seat summary before it answers (and requests a targeted re-sync of"
                + " that user to confirm), so the first GET after the answer usually shows the freed seat; the figure is then the time of one"
                + " `GET /licenses` through the local gateway.\n");
        return new Figure("6", "Freshness after a reclaim, through the local stack", "< 2 s",
                fresh.describe(Benchmarks::millis), Figure.verdict(fresh.max() < 2000), d.toString());
    }

    private Figure figure7() {
        if (dispatcher == null) {
            return null;
        }
        DispatcherBenchmark.Result r = dispatcher;
        StringBuilder d = new StringBuilder();
        d.append("One table holding ").append(n(r.setup().connected())).append(" connected integration records, ")
                .append(n(r.setup().disconnected())).append(" disconnected ones and ").append(n(r.setup().userItems()))
                .append(" user items; `SyncDispatcher` with `DynamoConnectedIntegrations` (metered client) and `EventBridgeSyncRequester`"
                        + " on a bus, as `SyncDispatchHandler` wires them.\n\n");
        d.append("| PutEvents calls | requests published | items read (by kind) | read units | time |\n|---|---|---|---|---|\n");
        List<DispatcherBenchmark.Run> runs = r.runs();
        DispatcherBenchmark.Run r0 = runs.get(0);
        d.append(row(Stats.of(runs.stream().map(DispatcherBenchmark.Run::putEventsCalls).toList()).describe(Benchmarks::n),
                Stats.of(runs.stream().map(DispatcherBenchmark.Run::published).toList()).describe(Benchmarks::n),
                Stats.of(runs.stream().map(DispatcherBenchmark.Run::itemsRead).toList()).describe(Benchmarks::n) + ": " + joined(r0.itemsReadByKind()),
                Stats.of(runs.stream().map(DispatcherBenchmark.Run::readUnits).toList()).describe(Benchmarks::units),
                Stats.of(runs.stream().map(DispatcherBenchmark.Run::millis).toList()).describe(Benchmarks::seconds)));
        boolean onlyIntegrations = runs.stream().allMatch(x -> x.itemsReadByKind().keySet().stream().allMatch(k -> k.equals("INTEGRATION"))
                && x.itemsRead() == r.setup().connected());
        boolean calls = runs.stream().allMatch(x -> x.putEventsCalls() == (r.setup().connected() + 9) / 10);
        d.append("\nItems read are the items the index query returned (its scanned count); every one is a connected integration"
                + " record (kind INTEGRATION), none of the disconnected records or user items. Read units: the sparse index's"
                + " projected items (keys, tenantId, type, status), eventually consistent.\n");
        return new Figure("7", "Dispatcher at " + n(r.setup().connected()) + " connected integrations", "1,000 PutEvents; integration records only",
                n(r0.putEventsCalls()) + " PutEvents; " + n(r0.itemsRead()) + " items read, " + (onlyIntegrations ? "all" : "**not all**")
                        + " connected integration records; " + units(r0.readUnits()) + " read units",
                Figure.verdict(onlyIntegrations && calls), d.toString());
    }

    private Figure figure8() {
        if (licensePage == null || licensePage.indexed().isEmpty()) {
            return null;
        }
        LicensePageBenchmark.Result r = licensePage;
        StringBuilder d = new StringBuilder();
        d.append("A generated org of ").append(n(r.users())).append(" users synced by the org sync (").append(seconds(r.syncMillis()))
                .append("), then each listing of `GET /users` read through `LicenseService` and `DynamoLicenseReader` (as the handler"
                        + " wires them) with a metered DynamoDB client: the first page and a deep page (page ").append(LicensePageBenchmark.DEEP_PAGE)
                .append(", or the last), ").append(LicensePageBenchmark.LIMIT).append(" rows a page, the page's every read (summary and"
                        + " settings included). Read units: computed from the items read by DynamoDB's rules (`CapacityMeter`: moto"
                        + " reports no ConsumedCapacity); index queries are eventually consistent. Latency: the call, in process against"
                        + " moto (no gateway).\n\n");
        d.append("| listing | page | rows | read units | latency |\n|---|---|---|---|---|\n");
        double maxUnits = 0;
        double maxMedian = 0;
        for (LicensePageBenchmark.Page p : r.indexed()) {
            d.append(row(p.listing(), p.page(), n(p.rows()), units(p.readUnits()), p.millis().describe(Benchmarks::millis)));
            maxUnits = Math.max(maxUnits, p.readUnits());
            maxMedian = Math.max(maxMedian, p.millis().median());
        }
        d.append("\nThe path the indexes replaced (the baseline, not the goal), once per listing in the same run: user items in key order (")
                .append(LicensePageBenchmark.SCAN_STEP).append(" a query, on the base table), filtered in Java until the page is full;"
                        + " a sort by name and a rare match both read the whole partition, so one walk answers both. Its client waits up to ")
                .append(LicensePageBenchmark.SCAN_ATTEMPT_TIMEOUT.toMinutes()).append(" min for a query and never retries one (a retried slow"
                        + " query only piles more work onto moto). A listing is walked for at most ").append(LicensePageBenchmark.SCAN_BUDGET.toSeconds())
                .append(" s; a walk stopped by that budget is marked **projected**, its read units and time scaled from the users it"
                        + " read to the users stored (the items are alike, so the units scale).\n\n");
        d.append("| listing (scan path) | page | rows | read units | latency |\n|---|---|---|---|---|\n");
        for (LicensePageBenchmark.Page p : r.scanned()) {
            d.append(row(p.listing(), p.page(), n(p.rows()), units(p.readUnits()), p.millis().describe(Benchmarks::millis)));
        }
        d.append("\n**Moto floor**, measured in the same run: a base-table query answering one item, by stock moto on this table and"
                + " on a table holding only that item, then through `infra/scripts/moto_server.py`'s query path on this table.\n\n"
                + "| query | rows | read units | latency |\n|---|---|---|---|\n");
        for (LicensePageBenchmark.Page p : r.motoFloor()) {
            d.append(row(p.listing(), n(p.rows()), units(p.readUnits()), p.millis().describe(Benchmarks::millis)));
        }
        String floorNote = "";
        if (r.motoFloor().size() == 3) {
            floorNote = " Here stock moto's one-item answer costs " + millis(r.motoFloor().get(0).millis().median()) + " from this"
                    + " table against " + millis(r.motoFloor().get(1).millis().median()) + " from a one-item table (the difference is"
                    + " moto walking the table, paid by none on DynamoDB); through moto_server.py's query path the first costs "
                    + millis(r.motoFloor().get(2).millis().median()) + ".";
        }
        d.append("\n**What limits the latency here.** Stock moto 5.2.5 answers every Query by collecting every matching item of"
                + " the table (for the base table it iterates every item), sorting them in Python and walking them to the"
                + " ExclusiveStartKey (`moto/dynamodb/models/table.py`, `Table.query`), whatever the keys; DynamoDB reads only the"
                + " key range." + floorNote + " `infra/scripts/moto_server.py` makes a Query cost what DynamoDB's costs: per table"
                + " it keeps each partition (of an index or of the base table) in moto's order until the next write to that table,"
                + " bisects to the start key and to the key condition, and hands moto's own query only the items its walk would"
                + " reach, and writes the answer's items as JSON directly rather than through moto's serializer, which walks"
                + " botocore's shape of every attribute (answers compared with stock moto's by"
                + " `infra/scripts/tests/test_moto_query.py`). So a page costs the request through the SDK and moto's HTTP server"
                + " and moto's per-item Python (copies, projection) for about the items it reads, whatever the listing's size; the first query of a table after a write (the sync's) pays one"
                + " pass over the table and one sort of the partition it reads, which the next queries reuse. The read units"
                + " (computed from the items each query returns, by DynamoDB's rules) measure the design and carry over to AWS."
                + " Timings also include waiting for a CPU when the load average (above) exceeds the cores.\n");
        LicensePageBenchmark.Page scanByName = r.scanned().get(0);
        boolean met = maxUnits <= 10 && maxMedian <= 300;
        return new Figure("8", "License page at " + k(r.users()) + " users", "≤ 10 read units and ≤ 300 ms median per page",
                "worst page " + units(maxUnits) + " units, " + millis(maxMedian) + " median (scan path, by name: "
                        + units(scanByName.readUnits()) + " units, " + millis(scanByName.millis().median()) + ")",
                r.users() >= 100_000 ? Figure.verdict(met) : (met ? "met at this size; 100k in the full run" : "**missed**"), d.toString());
    }

    /** Figure P (issue 18): policy evaluation on figure 8's synced org, read units against the candidates. */
    private Figure policyFigure() {
        if (licensePage == null || licensePage.policies() == null) {
            return null;
        }
        PolicyEvaluationBenchmark.Result r = licensePage.policies();
        StringBuilder d = new StringBuilder();
        d.append("On figure 8's synced org of ").append(n(r.users())).append(" users (the same tenant and table, synced once), with Jira and"
                + " Confluence sites connected so reclaim is open: policies \"Confluence inactive for at least N days\" in approve"
                + " mode with the largest cap (").append(n(com.saasspend.integration.domain.policies.PolicyRules.MAX_RECLAIMS_PER_RUN))
                .append(" a run), N chosen from the generated world's last-active dates so that about a thousandth, a hundredth and a tenth of the users"
                        + " match (of ").append(n(r.holders())).append(" Confluence users with a last use). Each is previewed"
                        + " (`PolicyService.preview`: writes nothing), evaluated as the `IntegrationSyncCompleted` event runs it"
                        + " (`PolicyService.evaluateAll` on the event's sync run, built from `wiring/Services` as"
                        + " `PolicyEvaluationHandler` builds it, metered DynamoDB client, one policy unpaused at a time), then the same"
                        + " run's event is delivered again (`already_evaluated`: the cap bounds what one sync run starts, so the"
                        + " redelivery examines and writes nothing). Examined: listing rows"
                        + " the evaluation read (it stops at the cap of new actions, or at ")
                .append(n(com.saasspend.integration.domain.reclaim.jobs.JobSelection.MAX_USERS)).append(" rows); candidates: those"
                        + " planned (org admins and users the planner refuses are skipped). Per examined user the evaluation reads its"
                        + " listing row (`UIX`), its user item (`USER`) and its action if one exists (`POLICYACTION`): the"
                        + " \"examined users' items\" column. The planner also needs those users' groups (`GROUP`), each read once an"
                        + " evaluation (at most the org's groups); everything else (policies, settings, integrations, products, the"
                        + " listing's summary) is the \"other\" column, the goal's constant.\n\n");
        d.append("| policy | users matching | run | examined | candidates | actions written | read units (items) | examined users'"
                + " items (per user) | their groups | other | write units | time |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        double worstOther = 0;
        double worstPerUser = 0;
        for (PolicyEvaluationBenchmark.Row row : r.rows()) {
            double perUser = row.examined() == 0 ? 0 : row.perUserReadUnits() / row.examined();
            worstOther = Math.max(worstOther, row.otherReadUnits());
            worstPerUser = Math.max(worstPerUser, perUser);
            d.append(row(row.policy(), n(row.matching()), row.how(), n(row.examined()) + (row.capped() ? " (capped)" : ""),
                    n(row.candidates()), n(row.actionsWritten()), units(row.readUnits()) + " (" + n(row.itemsRead()) + ")",
                    units(row.perUserReadUnits()) + " (" + Stats.fixed(perUser, 2) + ")", units(row.groupReadUnits()) + " ("
                            + n(row.itemsByKind().getOrDefault("GROUP", 0L)) + ")", units(row.otherReadUnits()),
                    units(row.writeUnits()), millis(row.millis())));
        }
        d.append("\nRead units by item kind (items read):\n\n| policy | run | by kind |\n|---|---|---|\n");
        for (PolicyEvaluationBenchmark.Row row : r.rows()) {
            d.append(row(row.policy(), row.how(), row.readsByKind().entrySet().stream()
                    .map(e -> e.getKey() + " " + units(e.getValue()) + " (" + n(row.itemsByKind().get(e.getKey())) + ")")
                    .collect(Collectors.joining(", "))));
        }
        d.append("\nTime is on moto (see figure 8: each index query sorts its partition in Python, and each write regroups the"
                + " table's index partitions before the next index query), in process; the read units carry over to AWS.\n");
        // Each examined user's own items at most once each (listing row, user, action), plus the rest of the listing page
        // read when the cap is reached.
        boolean onceEach = r.rows().stream().allMatch(x -> PolicyEvaluationBenchmark.PER_CANDIDATE_KINDS.stream()
                .mapToLong(kind -> x.itemsByKind().getOrDefault(kind, 0L)).sum()
                <= 3L * x.examined() + com.saasspend.integration.domain.licenses.LicenseService.MAX_LIMIT);
        boolean met = worstOther <= PolicyEvaluationBenchmark.CONSTANT_READ_UNITS && onceEach;
        return new Figure("P", "Policy evaluation at " + k(r.users()) + " users", "read units ≤ the examined users' items and their"
                + " groups (each once) + " + n(PolicyEvaluationBenchmark.CONSTANT_READ_UNITS) + " units",
                Stats.fixed(worstPerUser, 2) + " units per examined user + groups + at most " + units(worstOther) + " other units; "
                        + r.rows().stream().filter(x -> x.how().equals("IntegrationSyncCompleted"))
                        .map(x -> n(x.examined()) + " examined: " + units(x.readUnits()) + " units, " + millis(x.millis()))
                        .collect(Collectors.joining("; ")),
                r.users() >= 100_000 ? Figure.verdict(met) : (met ? "met at this size; 100k in the full run" : "**missed**"), d.toString());
    }

    /** Issue 21: a day of incremental runs against full listings every tick, side by side. */
    private Figure incrementalFigure() {
        if (incrementalDay == null) {
            return null;
        }
        IncrementalDayBenchmark.Result r = incrementalDay;
        boolean met = r.callShare() <= 0.02 && r.staleAfterATick() == 0;
        return new Figure("I", "A day of " + n(r.users()) + " users with a trickle of changes: incremental vs full every 15 min",
                "≤ 2 % of the calls of full listings; every change visible within one tick",
                String.format("%,d vs %,.0f calls a day (%.2f %%); %d changes not visible within a tick; freshness median %s, max %s",
                        r.incrementalTotal(), r.fullPerDay(), 100 * r.callShare(), r.staleAfterATick(),
                        IncrementalDayBenchmark.minutes(Stats.of(r.freshnessSeconds()).median()),
                        IncrementalDayBenchmark.minutes(Stats.of(r.freshnessSeconds()).max())),
                r.users() >= 100_000 ? Figure.verdict(met) : (met ? "met at this size; 100k in the full run" : "**missed**"),
                IncrementalDayBenchmark.markdown(r));
    }

    private Figure pagingFigure() {
        if (paging.isEmpty()) {
            return null;
        }
        StringBuilder d = new StringBuilder();
        SimulatorPagingBenchmark.Run r0 = paging.get(0);
        d.append("`SimulatorPagingBenchmark` on a generated org of ").append(n(pagingOrgUsers)).append(" users: every user page"
                + " (limit 100, productAccess and groups expanded) and every group page over HTTP, after a warm-up page, no faults.\n\n");
        d.append("| listing | rows | pages | time |\n|---|---|---|---|\n");
        d.append(row("users/search", n(r0.users().rows()), n(r0.users().pages()),
                Stats.of(paging.stream().map(p -> p.users().millis()).toList()).describe(Benchmarks::millis)));
        d.append(row("groups/search", n(r0.groups().rows()), n(r0.groups().pages()),
                Stats.of(paging.stream().map(p -> p.groups().millis()).toList()).describe(Benchmarks::millis)));
        Stats total = Stats.of(paging.stream().map(SimulatorPagingBenchmark.Run::millis).toList());
        d.append("\nThis is the simulator's own speed (what the other figures' sync times include), not the product's.\n");
        boolean full = pagingOrgUsers >= 100_000;
        return new Figure("S", "Simulator paging (" + k(pagingOrgUsers) + " users)", "100k users + 2k groups paged in < 1 min",
                total.describe(Benchmarks::seconds), full ? Figure.verdict(total.median() < 60_000) : "met at this size; 100k in the full run",
                d.toString());
    }

    // ------------------------------------------------------------------------------------------------ formatting

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%,d", Math.round(v));
    }

    static String k(long users) {
        return users >= 1000 && users % 1000 == 0 ? (users / 1000) + "k" : n(users);
    }

    static String units(double v) {
        return v == Math.rint(v) ? n(v) : Stats.fixed(v, 1);
    }

    static String seconds(double millis) {
        return Stats.fixed(millis / 1000.0, 1) + " s";
    }

    static String millis(double millis) {
        return n(millis) + " ms";
    }

    /** "96 user pages, 2 group pages, ..." */
    private static String joined(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> n(e.getValue()) + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
