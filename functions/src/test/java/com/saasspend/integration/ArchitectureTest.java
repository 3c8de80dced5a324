package com.saasspend.integration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
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

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
        slices().matching(ROOT + ".domain.(*)..").should().beFreeOfCycles().check(production);
    }
}
