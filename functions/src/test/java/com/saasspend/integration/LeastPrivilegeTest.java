package com.saasspend.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.saasspend.integration.testing.AwsCallGraph;
import com.saasspend.integration.testing.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IAM in template.yaml grants each function exactly the AWS actions its code can call, on the resource each belongs
 * to. The needed actions are derived from the code ({@link AwsCallGraph}, from the function's {@code Handler}), so a new
 * SDK call without its grant (AccessDenied in production) and a grant no code uses (least privilege) both fail here,
 * with the line to add or remove.
 */
class LeastPrivilegeTest {
    /** The one class that reads the ConnectedIntegrations index (TableKeys.CONNECTED_INDEX); only its users get the index. */
    private static final String INDEX_READER = "com.saasspend.integration.aws.DynamoConnectedIntegrations";
    private static final String INDEX_RESOURCE = "${StateTable.Arn}/index/ConnectedIntegrations";
    /** The classes that query an index, each with the indexes it queries (TableKeys names them): only their users get them. */
    private static final Map<String, Set<String>> INDEX_READERS = Map.of(
            INDEX_READER, Set.of(INDEX_RESOURCE),
            "com.saasspend.integration.aws.DynamoLicenseReader", Set.of("${StateTable.Arn}/index/LicenseUsersByActivity",
                    "${StateTable.Arn}/index/LicenseUsersByName", "${StateTable.Arn}/index/LicenseUsersByWord",
                    "${StateTable.Arn}/index/LicenseUsersByEmail"),
            "com.saasspend.integration.aws.DynamoPolicyStore", Set.of("${StateTable.Arn}/index/PolicyActionsByStatus",
                    "${StateTable.Arn}/index/PolicyActionsByDue"));

    /**
     * IAM authorises some operations by other actions: a transaction by the item actions it carries (AwsCallGraph
     * reports those where the code builds each item), a tagged CreateSecret (SecretsManagerVault tags every secret) also
     * by TagResource. These may be granted when the key is used.
     */
    private static final Map<String, Set<String>> AUTHORISED_BY = Map.of(
            "dynamodb:TransactWriteItems", Set.of(),
            "dynamodb:TransactGetItems", Set.of("dynamodb:GetItem"),
            "secretsmanager:CreateSecret", Set.of("secretsmanager:CreateSecret", "secretsmanager:TagResource"),
            // IAM has no SendMessageBatch action: each entry is authorised by SendMessage.
            "sqs:SendMessageBatch", Set.of("sqs:SendMessage"));

    private static final Set<String> SECRET_WRITES = Set.of("secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
            "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret", "secretsmanager:TagResource");

    private static AwsCallGraph code;

    @BeforeAll
    static void readTheCode() {
        code = new AwsCallGraph("com.saasspend.integration");
    }

    /** One inline statement's actions on its resources (as Template reads them: short tags dropped, values kept). */
    record Grant(Set<String> actions, List<String> resources) {}

    static Map<String, List<Grant>> grantsByFunction(List<String> problems) {
        Map<String, List<Grant>> grants = new LinkedHashMap<>();
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            List<Grant> held = new ArrayList<>();
            for (JsonNode policy : function.path("Properties").path("Policies")) {
                if (policy.isTextual()) {
                    problems.add(id + " uses the managed policy " + policy.asText() + ": replace it with inline statements of the actions its code calls");
                    continue;
                }
                policy.fieldNames().forEachRemaining(name -> {
                    if (!name.equals("Statement")) {
                        problems.add(id + " uses the SAM policy template " + name + ", which grants actions the code never calls:"
                                + " replace it with an inline Statement of the actions listed by this test");
                    }
                });
                for (JsonNode statement : policy.path("Statement")) {
                    held.add(new Grant(texts(statement.path("Action")), new ArrayList<>(texts(statement.path("Resource")))));
                }
            }
            grants.put(id, held);
        });
        return grants;
    }

    @Test
    void everyFunctionIsGrantedExactlyTheActionsItsCodeCalls() {
        List<String> problems = new ArrayList<>();
        Map<String, List<Grant>> grants = grantsByFunction(problems);
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            String handler = handlerClass(function);
            Set<String> needed = code.actionsReachableFrom(handler);
            Set<String> granted = new TreeSet<>();
            grants.get(id).forEach(g -> granted.addAll(g.actions()));
            for (String action : needed) {
                // A write transaction is authorised by its item actions, each needed on its own (see AwsCallGraph).
                boolean transaction = action.startsWith("dynamodb:Transact");
                boolean covered = action.equals("dynamodb:TransactWriteItems") || (transaction || action.equals("sqs:SendMessageBatch")
                        ? AUTHORISED_BY.get(action).stream().anyMatch(granted::contains) : granted.contains(action));
                if (!covered) {
                    problems.add(id + " (" + handler + ") calls " + action + " but template.yaml does not grant it (AccessDenied in"
                            + " production): add '" + (transaction ? "the item actions the transaction carries, of " + AUTHORISED_BY.get(action)
                            : action) + "' to " + id + "'s Policies, on " + resourceFor(action));
                }
            }
            Set<String> allowed = new TreeSet<>();
            needed.forEach(a -> allowed.addAll(AUTHORISED_BY.getOrDefault(a, Set.of(a))));
            for (String action : granted) {
                if (!allowed.contains(action)) {
                    problems.add(id + " is granted " + action + " but no code reachable from " + handler
                            + " calls it: remove '" + action + "' from " + id + "'s Policies");
                }
            }
        });
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void eachGrantIsOnTheResourceItsServiceActsOnAndTheIndexOnlyWhereItIsQueried() {
        List<String> problems = new ArrayList<>();
        Map<String, List<Grant>> grants = grantsByFunction(problems);
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            Set<String> reachable = code.classesReachableFrom(handlerClass(function));
            Set<String> queried = new java.util.TreeSet<>();
            INDEX_READERS.forEach((reader, indexes) -> {
                if (reachable.contains(reader)) {
                    queried.addAll(indexes);
                }
            });
            Set<String> granted = new java.util.TreeSet<>();
            for (Grant grant : grants.get(id)) {
                for (String resource : grant.resources()) {
                    boolean onIndex = resource.contains("/index/");
                    for (String action : grant.actions()) {
                        String expected = resourceFor(action);
                        boolean ok = onIndex ? action.equals("dynamodb:Query") : action.startsWith("sqs:") ? isQueueArn(resource)
                                : resource.contains(expected);
                        if (!ok) {
                            problems.add(id + ": " + action + " is granted on " + resource + "; grant it on " + expected
                                    + (onIndex ? " (an index is only ever queried)" : ""));
                        }
                    }
                    if (onIndex) {
                        granted.add(resource);
                    }
                }
            }
            for (String index : queried) {
                if (!granted.contains(index)) {
                    problems.add(id + " queries " + index + " (via " + INDEX_READERS.entrySet().stream()
                            .filter(e -> e.getValue().contains(index)).map(Map.Entry::getKey).sorted().findFirst().orElse("?")
                            + ") but has no dynamodb:Query grant on it: add one");
                }
            }
            for (String index : granted) {
                if (!queried.contains(index)) {
                    problems.add(id + ": grant on " + index + ", which its code never queries: remove that grant");
                }
            }
        });
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void noWildcardActionsOrResourcesAndSecretsScopedToTheProductPrefix() {
        List<String> problems = new ArrayList<>();
        grantsByFunction(new ArrayList<>()).forEach((id, grants) -> {
            for (Grant grant : grants) {
                grant.actions().stream().filter(a -> a.contains("*")).forEach(a -> problems.add(id + ": wildcard action " + a));
                if (grant.resources().isEmpty() || grant.resources().contains("*")) {
                    problems.add(id + ": wildcard or missing resource for " + grant.actions());
                }
                if (grant.actions().stream().anyMatch(a -> a.startsWith("secretsmanager:"))
                        && !grant.resources().stream().allMatch(r -> r.endsWith(":secret:${SecretNamePrefix}/*"))) {
                    problems.add(id + ": secrets access not scoped to the product's secret name prefix: " + grant.resources());
                }
            }
        });
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void onlyTheIntegrationsFunctionMayWriteSecrets() {
        Map<String, Set<String>> writers = new TreeMap<>();
        grantsByFunction(new ArrayList<>()).forEach((id, grants) -> grants.forEach(g -> g.actions().stream()
                .filter(SECRET_WRITES::contains).forEach(a -> writers.computeIfAbsent(id, k -> new TreeSet<>()).add(a))));
        assertEquals(Set.of("IntegrationsApiFunction"), writers.keySet(), "functions holding secret writes: " + writers);
        // And the code agrees: no other handler reaches a secret write.
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> {
            if (!id.equals("IntegrationsApiFunction")) {
                Set<String> writes = new TreeSet<>(code.actionsReachableFrom(handlerClass(function)));
                writes.retainAll(SECRET_WRITES);
                assertTrue(writes.isEmpty(), id + " code reaches secret writes " + writes);
            }
        });
    }

    @Test
    void theCallGraphSeesTheCallsWeKnowOf() {
        // Guards the derivation itself: if the call graph stopped following calls, every check above would pass vacuously.
        assertTrue(code.actionsReachableFrom("com.saasspend.integration.sync.SyncDispatchHandler").contains("events:PutEvents"));
        assertTrue(code.actionsReachableFrom("com.saasspend.integration.api.IntegrationsApiHandler")
                .containsAll(Set.of("secretsmanager:CreateSecret", "dynamodb:PutItem")));
        assertTrue(code.classesReachableFrom("com.saasspend.integration.sync.SyncDispatchHandler").contains(INDEX_READER));
    }

    @Test
    void noRouteOptsOutOfTheAuthorizer() {
        Template.resourcesOfType("AWS::Serverless::Function").forEach((id, function) -> function.path("Properties").path("Events")
                .forEach(event -> {
                    if ("HttpApi".equals(event.path("Type").asText())) {
                        String authorizer = event.path("Properties").path("Auth").path("Authorizer").asText("");
                        assertTrue(authorizer.isEmpty() || authorizer.equals("TenantJwt"), id + " has a route with authorizer " + authorizer);
                        assertEquals("Api", event.path("Properties").path("ApiId").asText(), id + " route on another API");
                    }
                }));
        JsonNode api = Template.resource("Api").path("Properties");
        assertEquals("TenantJwt", api.path("Auth").path("DefaultAuthorizer").asText());
        assertTrue(api.path("CorsConfiguration").path("AllowOrigins").toString().contains("FrontEndOrigin"), "CORS only for the front end");
    }

    /** A queue's ARN: {@code X.Arn} where X is an SQS queue of this template. */
    private static boolean isQueueArn(String resource) {
        return resource.endsWith(".Arn") && Template.root().path("Resources").path(resource.substring(0, resource.length() - 4))
                .path("Type").asText().equals("AWS::SQS::Queue");
    }

    private static String handlerClass(JsonNode function) {
        return function.path("Properties").path("Handler").asText().split("::")[0];
    }

    /** The template resource (as Template reads it) an action's service acts on. */
    private static String resourceFor(String action) {
        String service = action.substring(0, action.indexOf(':'));
        return switch (service) {
            case "dynamodb" -> "StateTable.Arn";
            case "events" -> "SyncBus.Arn";
            case "secretsmanager" -> ":secret:${SecretNamePrefix}/*";
            case "sqs" -> "the queue's .Arn";
            default -> "its resource (no rule for " + service + " yet: add one to LeastPrivilegeTest.resourceFor)";
        };
    }

    private static Set<String> texts(JsonNode node) {
        Set<String> values = new TreeSet<>();
        if (node.isTextual()) {
            values.add(node.asText());
        }
        node.forEach(n -> values.add(n.asText()));
        return values;
    }
}
