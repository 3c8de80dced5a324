package com.saasspend.integration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaStaticInitializer;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the README describes, enforced: handlers (api, sync) → domain ← adapters (aws, atlassian). The domain
 * decides and knows nothing of AWS, HTTP, Lambda or JSON mapping; adapters never call handlers; no package cycles.
 */
class ArchitectureTest {
    private static final String ROOT = "com.saasspend.integration";
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void theDomainKnowsNothingOfAwsHttpLambdaOrJsonMapping() {
        noClasses().that().resideInAPackage(ROOT + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "software.amazon..", "com.amazonaws..", "java.net.http..", "com.fasterxml.jackson.databind..",
                        "com.fasterxml.jackson.core..", "dev.failsafe..")
                .because("domain code decides; adapters at the edges talk to AWS, Atlassian and JSON")
                .check(production);
    }

    @Test
    void theDomainDependsOnNoHandlerOrAdapter() {
        noClasses().that().resideInAPackage(ROOT + ".domain..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".sync..", ROOT + ".aws..",
                        ROOT + ".atlassian..")
                .check(production);
    }

    @Test
    void adaptersNeverCallHandlers() {
        noClasses().that().resideInAnyPackage(ROOT + ".aws..", ROOT + ".atlassian..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".api..", ROOT + ".sync..")
                .check(production);
    }

    /**
     * One composition root: adapters (aws, atlassian) are built only in {@code wiring} (or by other adapters they are
     * made of), and SDK clients only in {@code aws.AwsClients}, so no handler or service grows a second wiring with
     * its own DynamoDB client or secret cache.
     */
    @Test
    void onlyTheCompositionRootBuildsAdaptersAndOnlyAwsClientsBuildsSdkClients() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".wiring..", ROOT + ".aws..", ROOT + ".atlassian..")
                .should().callConstructorWhere(DescribedPredicate.describe("an adapter's constructor", (JavaConstructorCall call) ->
                        call.getTargetOwner().getPackageName().startsWith(ROOT + ".aws")
                                || call.getTargetOwner().getPackageName().startsWith(ROOT + ".atlassian")))
                .orShould().callMethodWhere(DescribedPredicate.describe("AtlassianHttp.create or AwsClients.fromEnvironment",
                        (JavaMethodCall call) -> call.getTarget().getFullName().startsWith(ROOT + ".atlassian.AtlassianHttp.create(")
                                || call.getTarget().getFullName().startsWith(ROOT + ".aws.AwsClients.fromEnvironment(")))
                .because("handlers get their services from wiring/Services, the one composition root")
                .check(production);
        noClasses().that().doNotHaveFullyQualifiedName(ROOT + ".aws.AwsClients")
                .should().callMethodWhere(DescribedPredicate.describe("an AWS SDK client's builder", (JavaMethodCall call) ->
                        call.getTargetOwner().getPackageName().startsWith("software.amazon.awssdk.services.")
                                && call.getTargetOwner().getSimpleName().endsWith("Client")
                                && (call.getName().equals("builder") || call.getName().equals("create"))))
                .because("one client of each service per instance, built in aws/AwsClients")
                .check(production);
    }

    /**
     * Handlers hold no decisions: a handler ({@code api.*Handler}, {@code sync.*Handler}) parses, calls one domain
     * service and answers. It reaches no adapter and no domain port (an interface of the domain that an adapter
     * implements: stores, the vault, the event publisher, the job queue), and it does not branch on domain state
     * (reads no constant of a domain enum, switches on none; a static initializer may map request words to a domain
     * enum's constants, which is parsing). The two adapters allowed are the invocation's context:
     * {@code InvocationDeadline} (every wait reads it) and {@code AtlassianTraffic} (the call counters the metrics read).
     */
    @Test
    void handlersHoldNoDecisions() {
        Set<String> invocationContext = Set.of(ROOT + ".atlassian.InvocationDeadline", ROOT + ".atlassian.AtlassianTraffic");
        DescribedPredicate<JavaClass> adapterOrPort = DescribedPredicate.describe("an adapter or a domain port", target -> {
            if (invocationContext.contains(target.getName())) {
                return false;
            }
            String pkg = target.getPackageName();
            if (pkg.startsWith(ROOT + ".aws") || pkg.startsWith(ROOT + ".atlassian")) {
                return true;
            }
            return pkg.startsWith(ROOT + ".domain") && target.isInterface() && target.getAllSubclasses().stream()
                    .anyMatch(impl -> impl.getPackageName().startsWith(ROOT + ".aws")
                            || impl.getPackageName().startsWith(ROOT + ".atlassian"));
        });
        DescribedPredicate<JavaAccess<?>> branchesOnDomainState = DescribedPredicate.describe(
                "reads a domain enum's constant or switches on one", access -> {
                    JavaClass owner = access.getTargetOwner();
                    if (access.getOrigin() instanceof JavaStaticInitializer || !owner.isEnum()
                            || !owner.getPackageName().startsWith(ROOT + ".domain")) {
                        return false;
                    }
                    // A constant is a field of its enum's own type; a switch on an enum calls its ordinal().
                    return access instanceof JavaFieldAccess field ? field.getTarget().getRawType().equals(owner)
                            : access.getName().equals("ordinal");
                });
        noClasses().that().resideInAnyPackage(ROOT + ".api", ROOT + ".sync").and().haveNameMatching(".*Handler(\\$.*)?")
                .should().dependOnClassesThat(adapterOrPort)
                .orShould().accessTargetWhere(branchesOnDomainState)
                .because("handlers parse, call a domain service and answer; the decisions and the ports they need live in the domain")
                .check(production);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
        slices().matching(ROOT + ".domain.(*)..").should().beFreeOfCycles().check(production);
    }
}
