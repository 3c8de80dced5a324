package com.saasspend.integration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
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

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(production);
        slices().matching(ROOT + ".domain.(*)..").should().beFreeOfCycles().check(production);
    }
}
