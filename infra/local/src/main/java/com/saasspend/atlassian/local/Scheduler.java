package com.saasspend.atlassian.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The template's Schedule / ScheduleV2 events: each fires its function at the template's rate (or at the
 * developer's faster period), with the payload EventBridge (Scheduler) sends, and on demand through {@link #tickNow}.
 */
public final class Scheduler implements AutoCloseable {

    /** One scheduled event of one function. */
    public record Schedule(LambdaFunction function, String eventName, String type, String expression,
                           Optional<Duration> templatePeriod, JsonNode input) {
        public String id() {
            return function.definition().logicalId() + "." + eventName;
        }
    }

    /** The outcome of one firing. */
    public record Tick(String schedule, boolean ok, String result, long millis) {}

    private final List<Schedule> schedules;
    private final TemplateValues values;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-scheduler");
        t.setDaemon(true);
        return t;
    });

    public Scheduler(List<Schedule> schedules, TemplateValues values, Clock clock) {
        this.schedules = List.copyOf(schedules);
        this.values = values;
        this.clock = clock;
    }

    /** Every enabled Schedule / ScheduleV2 event of the template's Java functions. */
    public static List<Schedule> fromTemplate(List<LambdaFunction> functions) {
        List<Schedule> schedules = new ArrayList<>();
        for (LambdaFunction function : functions) {
            for (SamFunction.Event event : function.definition().eventsOfType("Schedule", "ScheduleV2")) {
                JsonNode props = event.properties();
                boolean disabled = "DISABLED".equals(props.path("State").asText()) || props.path("Enabled").asText("true").equals("false");
                if (disabled) {
                    continue;
                }
                String expression = props.path("ScheduleExpression").asText(props.path("Schedule").asText(""));
                schedules.add(new Schedule(function, event.name(), event.type(), expression, ScheduleRate.parse(expression),
                        props.path("Input")));
            }
        }
        return schedules;
    }

    public List<Schedule> schedules() {
        return schedules;
    }

    /** Starts the timers: each schedule every {@code every} when given, else at its template rate. */
    public void start(Duration every) {
        for (Schedule schedule : schedules) {
            Optional<Duration> period = every != null ? Optional.of(every) : schedule.templatePeriod();
            if (period.isEmpty()) {
                InvocationLog.info("schedule " + schedule.id() + " " + schedule.expression() + " fires on demand only (tick)");
                continue;
            }
            long millis = period.get().toMillis();
            timer.scheduleAtFixedRate(() -> fire(schedule), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Fires every schedule (or those of one function / one "Function.Event") now, and waits for the results. */
    public synchronized List<Tick> tickNow(String filter) {
        List<Tick> ticks = new ArrayList<>();
        for (Schedule schedule : schedules) {
            if (filter == null || filter.isBlank() || filter.equals(schedule.id())
                    || filter.equals(schedule.function().definition().logicalId())) {
                ticks.add(fire(schedule));
            }
        }
        return ticks;
    }

    private Tick fire(Schedule schedule) {
        String requestId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        try {
            String result = schedule.function().invoke(payload(schedule), requestId);
            long ms = (System.nanoTime() - started) / 1_000_000;
            InvocationLog.event("schedule " + schedule.id() + " " + schedule.expression(), schedule.function().definition().logicalId(),
                    "ok " + result, ms);
            return new Tick(schedule.id(), true, result, ms);
        } catch (Exception e) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            InvocationLog.event("schedule " + schedule.id(), schedule.function().definition().logicalId(), "FAILED", ms);
            HttpApiGateway.reportFailure(schedule.function().definition().logicalId(), requestId, e);
            return new Tick(schedule.id(), false, String.valueOf(e.getMessage()), ms);
        }
    }

    /** The template's Input when set; else the "Scheduled Event" EventBridge and EventBridge Scheduler send. */
    String payload(Schedule schedule) {
        if (!schedule.input().isMissingNode() && !schedule.input().isNull()) {
            return schedule.input().isTextual() ? schedule.input().asText() : schedule.input().toString();
        }
        boolean scheduler = "ScheduleV2".equals(schedule.type());
        String name = values.stackName() + "-" + schedule.function().definition().logicalId() + schedule.eventName();
        ObjectNode event = ApiGatewayEvents.JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", scheduler ? "aws.scheduler" : "aws.events");
        event.put("account", values.accountId());
        event.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        event.put("region", values.region());
        event.putArray("resources").add(scheduler
                ? "arn:aws:scheduler:" + values.region() + ":" + values.accountId() + ":schedule/default/" + name
                : "arn:aws:events:" + values.region() + ":" + values.accountId() + ":rule/" + name);
        event.putObject("detail");
        return event.toString();
    }

    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        schedules.forEach(s -> out.put(s.id(), s.expression()));
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
