package dev.dspy4j.spark;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** No two packages of this module import each other, directly or around a loop (as in {@code dspy4j-core}). */
@AnalyzeClasses(packages = "dev.dspy4j.spark", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageStructureTest {

    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().matching("dev.dspy4j.(**)").should().beFreeOfCycles();
}
