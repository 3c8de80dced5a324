package com.saasspend.integration.testing;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The AWS API actions a handler can reach, derived from the production code's call graph: every code unit reachable
 * from the handler class (constructors, static initialisation, handleRequest), following calls into every
 * implementation of an interface method and every method reference, collecting calls on AWS SDK clients as IAM
 * actions ({@code dynamodb:PutItem}, {@code events:PutEvents}...). An over-approximation (all implementations of a port
 * count), never an under-approximation, so a grant the code needs is never missed.
 */
public final class AwsCallGraph {
    private static final String SDK_SERVICES = "software.amazon.awssdk.services.";
    /** SDK service package → IAM action prefix, where they differ. */
    private static final Map<String, String> IAM_PREFIX = Map.of("eventbridge", "events");
    /** Client methods that build, describe or close a client rather than call the service. */
    private static final Set<String> NOT_OPERATIONS = Set.of("<init>", "builder", "create", "serviceMetadata", "serviceClientConfiguration", "close", "serviceName");

    /**
     * IAM authorises a transaction by the item actions it carries, so each item of a TransactWriteItems counts as the
     * action of its kind, where the code builds it.
     */
    private static final String TRANSACT_ITEM_BUILDER = "software.amazon.awssdk.services.dynamodb.model.TransactWriteItem$Builder";
    private static final Map<String, String> TRANSACT_ITEM_ACTIONS = Map.of("put", "dynamodb:PutItem",
            "update", "dynamodb:UpdateItem", "delete", "dynamodb:DeleteItem", "conditionCheck", "dynamodb:ConditionCheckItem");

    private static final String CRAC_RESOURCE = "org.crac.Resource";

    private final JavaClasses classes;

    public AwsCallGraph(String rootPackage) {
        this.classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(rootPackage);
    }

    public Set<String> actionsReachableFrom(String handlerClassName) {
        Set<String> actions = new TreeSet<>();
        walk(handlerClassName, actions);
        return actions;
    }

    /** The production classes whose code the handler can run (to tell, e.g., whether it reaches an index reader). */
    public Set<String> classesReachableFrom(String handlerClassName) {
        Set<String> owners = new TreeSet<>();
        walk(handlerClassName, new TreeSet<>()).forEach(unit -> owners.add(unit.getOwner().getName()));
        return owners;
    }

    private Set<JavaCodeUnit> walk(String handlerClassName, Set<String> actions) {
        JavaClass handler = classes.get(handlerClassName);
        Set<JavaCodeUnit> visited = new HashSet<>();
        Deque<JavaCodeUnit> queue = new ArrayDeque<>(handler.getCodeUnits());
        handler.getStaticInitializer().ifPresent(queue::add);
        while (!queue.isEmpty()) {
            JavaCodeUnit unit = queue.pop();
            if (!visited.add(unit)) {
                continue;
            }
            unit.getCallsFromSelf().forEach(call -> follow(call.getTarget(), actions, queue));
            unit.getMethodReferencesFromSelf().forEach(ref -> follow(ref.getTarget(), actions, queue));
            unit.getConstructorReferencesFromSelf().forEach(ref -> follow(ref.getTarget(), actions, queue));
        }
        return visited;
    }

    private void follow(AccessTarget.CodeUnitAccessTarget target, Set<String> actions, Deque<JavaCodeUnit> queue) {
        JavaClass owner = target.getOwner();
        String pkg = owner.getPackageName();
        if (owner.getName().equals(TRANSACT_ITEM_BUILDER) && TRANSACT_ITEM_ACTIONS.containsKey(target.getName())) {
            actions.add(TRANSACT_ITEM_ACTIONS.get(target.getName()));
            return;
        }
        if (pkg.startsWith(SDK_SERVICES) && owner.getSimpleName().endsWith("Client") && !NOT_OPERATIONS.contains(target.getName())) {
            String service = pkg.substring(SDK_SERVICES.length()).split("\\.")[0];
            actions.add(IAM_PREFIX.getOrDefault(service, service) + ":" + action(target.getName()));
            return;
        }
        if (!classes.contain(owner.getName())) {
            return;
        }
        target.resolveMember().ifPresent(member -> {
            queue.add(member);
            if (member instanceof JavaMethod method && !method.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.STATIC)) {
                String[] parameters = method.getRawParameterTypes().stream().map(JavaClass::getName).toArray(String[]::new);
                for (JavaClass implementation : classes.get(owner.getName()).getAllSubclasses()) {
                    implementation.tryGetMethod(method.getName(), parameters).ifPresent(queue::add);
                }
            }
        });
        if (target.getName().equals("<init>")) {
            // A new object's field initialisers run in its constructor; its static initialisation once.
            JavaClass created = classes.get(owner.getName());
            created.getStaticInitializer().ifPresent(queue::add);
            // A SnapStart runtime hook built by the code is run by Lambda before the snapshot, with the function's role.
            if (created.isAssignableTo(CRAC_RESOURCE)) {
                created.getMethods().stream().filter(m -> m.getName().equals("beforeCheckpoint") || m.getName().equals("afterRestore"))
                        .forEach(queue::add);
            }
        }
    }

    /** {@code putItem} → {@code PutItem}; {@code queryPaginator} → {@code Query} (a paginator calls the operation). */
    static String action(String sdkMethod) {
        String name = sdkMethod.endsWith("Paginator") ? sdkMethod.substring(0, sdkMethod.length() - "Paginator".length()) : sdkMethod;
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
