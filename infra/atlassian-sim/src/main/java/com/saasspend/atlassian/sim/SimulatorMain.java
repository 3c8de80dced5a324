package com.saasspend.atlassian.sim;

import java.nio.file.Path;

/**
 * {@code java -jar atlassian-sim.jar [--port 8081] [--seed path.json | --generate USERS,GROUPS,SEED[,GRANTING_ONE_IN]]
 * [--latency-ms N] [--rate-limit CALLS/SECONDS] [--admin-retry-after] [--fail-share SHARE,STATUS,REGEX]}
 * Defaults: port 8081, the shipped demo seed. Prints one "ready" line with the base URL once listening.
 */
public final class SimulatorMain {
    private SimulatorMain() {}

    public static void main(String[] args) {
        // Keep Javalin/Jetty start-up chatter out of the way: the "ready" line is the one line callers wait for.
        System.setProperty("org.slf4j.simpleLogger.log.io.javalin", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        int port = 8081;
        String seed = null;
        String generate = null;
        Faults faults = new Faults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                case "--seed" -> seed = value(args, ++i, a);
                case "--generate" -> generate = value(args, ++i, a);
                case "--latency-ms" -> faults.latencyMillis(Long.parseLong(value(args, ++i, a)));
                case "--rate-limit" -> {
                    String[] p = value(args, ++i, a).split("/");
                    faults.rateLimit(Faults.ANY_KEY, Integer.parseInt(p[0]), Integer.parseInt(p[1]));
                }
                case "--admin-retry-after" -> faults.adminRetryAfter(true);
                case "--fail-share" -> {
                    String[] p = value(args, ++i, a).split(",", 3);
                    faults.failShare(Double.parseDouble(p[0]), Integer.parseInt(p[1]), p.length > 2 ? p[2] : ".");
                }
                case "--help", "-h" -> {
                    System.out.println("Usage: java -jar atlassian-sim.jar [--port 8081] [--seed seed.json | --generate USERS,GROUPS,SEED[,GRANTING_ONE_IN]]"
                            + " [--latency-ms N] [--rate-limit CALLS/SECONDS] [--admin-retry-after] [--fail-share SHARE,STATUS,REGEX]");
                    return;
                }
                default -> throw new IllegalArgumentException("Unknown option " + a + " (try --help)");
            }
        }
        World world;
        if (generate != null) {
            String[] p = generate.split(",");
            world = WorldGenerator.generate(Integer.parseInt(p[0]), Integer.parseInt(p[1]), p.length > 2 ? Long.parseLong(p[2]) : 42L,
                    p.length > 3 ? Integer.parseInt(p[3]) : WorldGenerator.DEFAULT_GRANTING_ONE_IN);
        } else {
            world = seed == null ? WorldSeed.demo() : WorldSeed.load(Path.of(seed));
        }
        AtlassianSimulator sim = AtlassianSimulator.start(port, world, faults);
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        System.out.println("Atlassian simulator ready at " + sim.baseUrl() + " (orgs: " + world.orgIds() + ", org API key of "
                + DemoCredentials.ORG_ID + " in DemoCredentials / seed file)");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
